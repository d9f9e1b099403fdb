"""The sync-traffic chart: bytes sent per version, as deltas and as snapshots.

The geometry is computed here and drawn by the ``sync-chart`` partial as inline SVG, so the
page and its live updates draw it the same way with no JavaScript. The y axis is
logarithmic (base 2, gridlines every 32x): a one-route delta is a few hundred bytes and a
snapshot of a large config tens of megabytes, and both must stay visible side by side.
"""

import math
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Count, Sum

from controlplane.dashboard.templatetags.dashboard import human_bytes
from controlplane.models import ControlPlane, NodeSyncRecord

VERSIONS_SHOWN = 30
WIDTH, HEIGHT = 760, 240
LEFT, RIGHT, TOP, BOTTOM = 64, 12, 12, 30
KINDS = ("delta", "snapshot")
MAX_BAR_WIDTH = 28.0


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    kind: str
    title: str


@dataclass(frozen=True)
class Tick:
    at: float
    label: str


@dataclass
class Totals:
    bytes: int = 0
    payloads: int = 0

    @property
    def per_payload(self) -> int:
        return self.bytes // self.payloads if self.payloads else 0


@dataclass
class Chart:
    bars: list[Bar] = field(default_factory=list)
    y_ticks: list[Tick] = field(default_factory=list)
    x_ticks: list[Tick] = field(default_factory=list)
    totals: dict[str, Totals] = field(default_factory=lambda: {k: Totals() for k in KINDS})
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    plot_bottom: int = HEIGHT - BOTTOM
    plot_right: int = WIDTH - RIGHT

    @property
    def empty(self) -> bool:
        return not self.bars


@dataclass(frozen=True)
class Sent:
    version: int
    kind: str
    bytes: int
    nodes: int


def sync_chart(cp: ControlPlane) -> Chart:
    return draw(sent_per_version(cp))


def sent_per_version(cp: ControlPlane) -> list[Sent]:
    """Bytes on the wire per (version, payload type) for the latest versions that had any."""
    records = NodeSyncRecord.objects.filter(control_plane=cp)
    versions = list(
        records.order_by("-version").values_list("version", flat=True).distinct()[:VERSIONS_SHOWN]
    )
    rows = (
        records.filter(version__in=versions)
        .values("version", "payload_type")
        .annotate(sent=Sum("wire_bytes"), nodes=Count("node_id", distinct=True))
        .order_by("version", "payload_type")
    )
    return [Sent(r["version"], r["payload_type"], r["sent"] or 0, r["nodes"]) for r in rows]


def draw(sent: list[Sent]) -> Chart:
    chart = Chart()
    if not sent:
        return chart
    versions = sorted({s.version for s in sent})
    low, high = _log_range(s.bytes for s in sent)
    chart.y_ticks = [Tick(_y(2**e, low, high), human_bytes(2**e)) for e in range(low, high + 1, 5)]
    slot = (chart.plot_right - LEFT) / len(versions)
    for s in sent:
        chart.bars.append(_bar(s, versions.index(s.version), slot, low, high))
        chart.totals.setdefault(s.kind, Totals())
        chart.totals[s.kind].bytes += s.bytes
        chart.totals[s.kind].payloads += s.nodes
    step = max(1, math.ceil(len(versions) / 12))
    chart.x_ticks = [
        Tick(LEFT + slot * (i + 0.5), f"v{v}") for i, v in enumerate(versions) if i % step == 0
    ]
    return chart


def _bar(s: Sent, index: int, slot: float, low: int, high: int) -> Bar:
    width = min(MAX_BAR_WIDTH, max(2.0, slot * 0.38))
    offset = 0 if s.kind == "delta" else 1
    x = LEFT + slot * index + slot / 2 - width + offset * width
    y = _y(max(s.bytes, 1), low, high)
    noun = "delta" if s.kind == "delta" else "snapshot"
    per_node = s.bytes // s.nodes if s.nodes else 0
    title = (
        f"v{s.version} · {noun} · {s.nodes} node{'s' if s.nodes != 1 else ''} · "
        f"{human_bytes(s.bytes)} sent ({s.bytes:,} bytes; {human_bytes(per_node)} per node)"
    )
    return Bar(
        round(x, 1), round(y, 1), round(width, 1), round(HEIGHT - BOTTOM - y, 1), s.kind, title
    )


def _log_range(sizes: Iterable[int]) -> tuple[int, int]:
    """Exponents of two bracketing every size: from 1 byte (every bar stands on the same
    baseline) up to the next multiple of five above the largest."""
    largest = max(max(1, int(v)) for v in sizes)
    return 0, max(5, math.ceil(math.log2(largest) / 5) * 5)


def _y(value: float, low: int, high: int) -> float:
    share = (math.log2(value) - low) / (high - low)
    return TOP + (HEIGHT - BOTTOM - TOP) * (1 - share)
