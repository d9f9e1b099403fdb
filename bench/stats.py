"""Summaries of measured samples: percentiles by the nearest-rank method, rounded for reading."""

import math
from collections.abc import Sequence
from typing import Any


def percentile(samples: Sequence[float], fraction: float) -> float:
    """The nearest-rank percentile: the smallest sample with ``fraction`` of them at or below."""
    if not samples:
        raise ValueError("no samples")
    ordered = sorted(samples)
    rank = max(1, math.ceil(fraction * len(ordered)))
    return ordered[rank - 1]


def summary(samples: Sequence[float], digits: int = 2) -> dict[str, Any]:
    """Count, median, p90, p99 and max of ``samples``."""
    if not samples:
        return {"count": 0}
    return {
        "count": len(samples),
        "p50": round(percentile(samples, 0.50), digits),
        "p90": round(percentile(samples, 0.90), digits),
        "p99": round(percentile(samples, 0.99), digits),
        "max": round(max(samples), digits),
    }


def ratio(numerator: float, denominator: float, digits: int = 2) -> float | None:
    return round(numerator / denominator, digits) if denominator else None
