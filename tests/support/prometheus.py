"""Reading a Prometheus scrape in tests."""

from prometheus_client.parser import text_string_to_metric_families


def metric(body: bytes | str, name: str, **labels: str) -> float | None:
    """The first sample called ``name`` whose labels include ``labels``; None if none is."""
    text = body.decode() if isinstance(body, bytes) else body
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == name and all(sample.labels.get(k) == v for k, v in labels.items()):
                return sample.value
    return None
