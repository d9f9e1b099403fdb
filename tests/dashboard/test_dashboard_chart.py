"""The sync chart's geometry: one bar per version and payload type, on a log scale."""

from controlplane.dashboard.chart import HEIGHT, Sent, draw


def test_no_records_draw_an_empty_chart() -> None:
    assert draw([]).empty


def test_each_version_gets_a_delta_bar_and_a_snapshot_bar() -> None:
    chart = draw(
        [Sent(1, "delta", 300, 3), Sent(1, "snapshot", 40_000, 1), Sent(2, "delta", 310, 3)]
    )
    assert [(b.kind, b.title.split(" ·")[0]) for b in chart.bars] == [
        ("delta", "v1"),
        ("snapshot", "v1"),
        ("delta", "v2"),
    ]
    delta, full = chart.bars[0], chart.bars[1]
    assert full.height > delta.height > 0 and full.x > delta.x
    assert all(0 <= b.y <= HEIGHT for b in chart.bars)


def test_a_snapshot_a_thousand_times_larger_leaves_the_delta_visible() -> None:
    chart = draw([Sent(1, "delta", 500, 1), Sent(1, "snapshot", 30 * 1024**2, 1)])
    delta, full = chart.bars
    assert delta.height > full.height / 3  # log scale, not linear


def test_totals_add_up_per_payload_type() -> None:
    chart = draw([Sent(1, "delta", 300, 3), Sent(2, "delta", 600, 3), Sent(2, "snapshot", 4000, 1)])
    assert chart.totals["delta"].bytes == 900 and chart.totals["delta"].payloads == 6
    assert chart.totals["delta"].per_payload == 150 and chart.totals["snapshot"].per_payload == 4000


def test_gridlines_are_labelled_in_human_units() -> None:
    labels = [
        t.label for t in draw([Sent(1, "delta", 500, 1), Sent(1, "snapshot", 2_000_000, 1)]).y_ticks
    ]
    assert labels[0] == "1 B" and "1.0 KiB" in labels and "1.0 MiB" in labels
