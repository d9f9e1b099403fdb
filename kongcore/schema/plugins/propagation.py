"""The `propagation` sub-record of tracing plugins (Kong's typedefs.propagation)."""

from __future__ import annotations

from kongcore.schema.fields import Array, String
from kongcore.schema.record import Record

FORMATS = ("b3", "b3-single", "w3c", "jaeger", "ot", "aws", "datadog", "gcp", "instana")
# The b3 extractor reads both the multi-header and the single-header forms.
EXTRACTORS = tuple(f for f in FORMATS if f != "b3-single")


def propagation_record(default_format: str) -> Record:
    return Record(
        [
            ("extract", Array(String(one_of=EXTRACTORS))),
            ("clear", Array(String())),
            ("inject", Array(String(one_of=("preserve", *FORMATS)))),
            ("default_format", String(required=True, one_of=FORMATS)),
        ],
        default={"default_format": default_format},
    )
