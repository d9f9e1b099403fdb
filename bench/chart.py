"""One PNG with four panels, incremental beside full in each: bytes, latency, CPU, node apply."""

from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")  # no display: the chart is only ever written to a file

import matplotlib.pyplot as plt  # noqa: E402  (the backend must be chosen first)
from matplotlib.axes import Axes  # noqa: E402

COLORS = {"incremental": "#1f77b4", "full": "#d62728"}
MODES = ("incremental", "full")


def draw(results: dict[str, Any], path: Path) -> None:
    figure, axes = plt.subplots(2, 2, figsize=(12, 8.5))
    panels = [
        ("bytes_per_change", _bytes),
        ("latency", _latency),
        ("cp_cost", _cost),
        ("node_cost", _node),
    ]
    for ax, (key, panel) in zip(axes.flat, panels, strict=True):
        if key in results:
            panel(ax, results[key])
        else:
            ax.set_axis_off()
    figure.suptitle(f"konnectlite: incremental vs full sync ({results['profile']} profile)")
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)


def _bars(ax: Axes, labels: list[str], values: dict[str, list[float]], unit: str) -> None:
    width = 0.38
    for offset, mode in enumerate(MODES):
        xs = [i + (offset - 0.5) * width for i in range(len(labels))]
        # A log axis cannot show zero: draw a sliver, but label the measured value.
        heights = [max(v, 0.05) for v in values[mode]]
        bars = ax.bar(xs, heights, width, label=mode, color=COLORS[mode])
        ax.bar_label(bars, labels=[_short(v, unit) for v in values[mode]], fontsize=8)
    ax.set_xticks(range(len(labels)), labels)
    ax.set_yscale("log")
    ax.legend()


def _bytes(ax: Axes, section: dict[str, Any]) -> None:
    changes = section["changes"]
    values = {mode: [c[mode]["wire_bytes"] for c in changes] for mode in MODES}
    _bars(ax, [c["operation"] for c in changes], values, "B")
    ax.set_title(f"1. Bytes on the wire per change ({section['entities']:,} entities)")
    ax.set_ylabel("bytes (log)")


def _latency(ax: Axes, section: dict[str, Any]) -> None:
    for mode in MODES:
        runs = sorted((r for r in section["runs"] if r["mode"] == mode), key=lambda r: r["nodes"])
        nodes = [r["nodes"] for r in runs]
        ax.plot(
            nodes,
            [r["latency_ms"]["p99"] for r in runs],
            "o-",
            color=COLORS[mode],
            label=f"{mode} p99",
        )
        ax.plot(
            nodes,
            [r["latency_ms"]["p50"] for r in runs],
            "o--",
            color=COLORS[mode],
            alpha=0.5,
            label=f"{mode} p50",
        )
    ax.axhline(section["target_p99_ms"], color="gray", linestyle=":", label="target p99")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_title(f"2. Commit-to-ack latency ({section['entities']:,} entities)")
    ax.set_xlabel("connected nodes")
    ax.set_ylabel("ms (log)")
    ax.legend(fontsize=8)


def _cost(ax: Axes, section: dict[str, Any]) -> None:
    for mode in MODES:
        runs = sorted(
            (r for r in section["runs"] if r["mode"] == mode), key=lambda r: r["entities"]
        )
        ax.plot(
            [r["entities"] for r in runs],
            [r["cpu_ms_per_change"] for r in runs],
            "o-",
            color=COLORS[mode],
            label=mode,
        )
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_title("3. Control-plane CPU per change")
    ax.set_xlabel("entities in the config")
    ax.set_ylabel("CPU ms per change (log)")
    ax.legend()


def _node(ax: Axes, section: dict[str, Any]) -> None:
    modes = section["modes"]
    labels = ["apply p50 (ms)", "peak above holding (MB)"]
    values = {
        mode: [modes[mode]["apply_ms"]["p50"], modes[mode]["peak_above_holding_mb"]]
        for mode in MODES
    }
    _bars(ax, labels, values, "")
    ax.set_title(f"4. Node cost per change ({section['entities']:,} entities)")


def _short(value: float, unit: str) -> str:
    if value >= 1e6:
        return f"{value / 1e6:.1f}M{unit}"
    if value >= 1e3:
        return f"{value / 1e3:.1f}k{unit}"
    return f"{value:g}{unit}"
