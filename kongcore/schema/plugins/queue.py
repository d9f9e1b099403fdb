"""The `queue` sub-record of log plugins (Kong's queue_schema)."""

from __future__ import annotations

from typing import Any

from kongcore.schema.fields import Integer, Number
from kongcore.schema.record import Record, Shorthand


def queue_record() -> Record:
    return Record(
        [
            ("max_batch_size", Integer(default=1, between=(1, 1000000))),
            ("max_coalescing_delay", Number(default=1, between=(0, 3600))),
            ("max_entries", Integer(default=10000, between=(1, 1000000))),
            ("max_bytes", Integer()),
            ("max_retry_time", Number(default=60)),
            ("initial_retry_delay", Number(default=0.01, between=(0.001, 1000000))),
            ("max_retry_delay", Number(default=60, between=(0.001, 1000000))),
            ("concurrency_limit", Integer(default=1, one_of=(-1, 1))),
        ]
    )


def _into_queue(key: str | None) -> Shorthand:
    def expand(value: Any) -> dict[str, Any]:
        return {"queue": {key: value}} if key else {}

    return expand


def legacy_queue_shorthands() -> dict[str, Shorthand]:
    """Pre-3.3 batching knobs, mapped onto `queue` (retry_count has no equivalent)."""
    return {
        "queue_size": _into_queue("max_batch_size"),
        "flush_timeout": _into_queue("max_coalescing_delay"),
        "retry_count": _into_queue(None),
    }
