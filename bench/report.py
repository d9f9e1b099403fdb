"""The results as files: results.json (everything), results.md (tables) and results.png."""

import json
from pathlib import Path
from typing import Any

from bench import chart

Results = dict[str, Any]


def write(results: Results, out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    paths = [out / "results.json", out / "results.md", out / "results.png"]
    paths[0].write_text(json.dumps(results, indent=2) + "\n")
    paths[1].write_text(markdown(results))
    chart.draw(results, paths[2])
    return paths


def markdown(results: Results) -> str:
    parts = [_heading(results), targets_table(results)]
    for key, render in _SECTIONS:
        if key in results:
            parts.append(render(results[key]))
    if results.get("notes"):
        parts.append("## Notes\n\n" + "\n".join(f"- {note}" for note in results["notes"]))
    return "\n\n".join(parts) + "\n"


def _heading(results: Results) -> str:
    machine = results["machine"]
    config = results["config"]
    largest = config["sizes"][-1]
    return (
        f"# konnectlite benchmarks (`{results['profile']}` profile)\n\n"
        f"Run {results['started_at']} in {results['duration_s']:.0f} s on {machine_line(machine)}; "
        f"load average {_load(machine, 'start')} at the start, {_load(machine, 'end')} at the end.\n"
        f"Largest config: {largest['entities']:,} entities, "
        f"{largest['json_bytes'] / 1e6:.1f} MB of JSON ({config['generator']}). "
        "Every figure is measured for incremental and for full sync in the same run."
    )


def _load(machine: dict[str, Any], when: str) -> str:
    values = machine.get(f"load_average_at_{when}")
    return " / ".join(f"{v:.2f}" for v in values) if values else "unknown"


def machine_line(machine: dict[str, Any]) -> str:
    return (
        f"{machine['cpu']} ({machine['cores']} cores), {machine['memory_gb']} GB RAM, "
        f"{machine['os']}, Python {machine['python']}"
    )


def _row(*cells: Any) -> str:
    return "| " + " | ".join(str(cell) for cell in cells) + " |"


def _table(header: list[str], rows: list[list[Any]]) -> str:
    lines = [_row(*header), _row(*(["---"] * len(header)))]
    return "\n".join(lines + [_row(*row) for row in rows])


def _met(value: bool | None) -> str:
    return "n/a" if value is None else ("yes" if value else "**no**")


def targets_table(results: Results) -> str:
    rows = [
        [name, target, incremental, full, _met(met)]
        for name, target, incremental, full, met in targets(results)
    ]
    return "## Targets\n\n" + _table(["figure", "target", "incremental", "full", "met"], rows)


def targets(results: Results) -> list[tuple[str, str, str, str, bool | None]]:
    """(figure, target, incremental measured, full measured, met) for each target present."""
    rows = []
    if section := results.get("bytes_per_change"):
        worst = max(section["changes"], key=lambda c: c["incremental"]["wire_bytes"])
        rows.append(
            (
                "1. bytes on the wire per one-entity change (worst of create/update/delete)",
                f"≤ {section['target_wire_bytes']:,} B",
                f"{worst['incremental']['wire_bytes']:,} B",
                f"{worst['full']['wire_bytes']:,} B",
                section["met"],
            )
        )
    if section := results.get("latency"):
        rows.append(_latency_target(section))
    if section := results.get("cp_cost"):
        growth = section["cpu_growth"]
        sizes = sorted({r["entities"] for r in section["runs"]})
        rows.append(
            (
                f"3. control-plane CPU per change, {sizes[-1]:,} / {sizes[0]:,} entities",
                f"≤ {section['target_ratio']}×",
                f"{growth['incremental']}×",
                f"{growth['full']}×",
                section["met"],
            )
        )
    if section := results.get("node_cost"):
        modes = section["modes"]
        rows.append(
            (
                f"4. node apply time, one-entity change at {section['entities']:,} entities (median)",
                f"≤ {section['target_median_apply_ms']} ms",
                f"{modes['incremental']['apply_ms']['p50']} ms",
                f"{modes['full']['apply_ms']['p50']} ms",
                section["met"],
            )
        )
    if section := results.get("scale"):
        rows.extend(_scale_targets(section))
    return rows


def _latency_target(section: dict[str, Any]) -> tuple[str, str, str, str, bool | None]:
    most = max(r["nodes"] for r in section["runs"])
    by_mode = {r["mode"]: r for r in section["runs"] if r["nodes"] == most}
    return (
        f"2. commit-to-ack p99, {most} nodes",
        f"≤ {section['target_p99_ms']:g} ms at 100 nodes",
        f"{by_mode['incremental']['latency_ms']['p99']} ms",
        f"{by_mode['full']['latency_ms']['p99']} ms",
        section["met"],
    )


def _scale_targets(section: dict[str, Any]) -> list[tuple[str, str, str, str, bool | None]]:
    inc, full = section["modes"]["incremental"], section["modes"]["full"]
    nodes = section["nodes"]
    return [
        (
            f"5. one change reaching all {nodes:,} nodes, p99",
            f"≤ {section['target_fanout_p99_ms']:g} ms at 1,000 nodes",
            _fanout(inc["fanout_ms"]),
            _fanout(full["fanout_ms"]),
            section["met_fanout"],
        ),
        (
            f"5. all {nodes:,} nodes reconnecting {inc['catch_up']['versions_behind']} versions behind",
            f"≤ {section['target_catch_up_s']:g} s, deltas only",
            _catch_up(inc["catch_up"]),
            _catch_up(full["catch_up"]),
            section["met_catch_up"],
        ),
    ]


def _fanout(fanout: dict[str, Any]) -> str:
    if not fanout.get("complete"):
        return f"incomplete ({fanout['reached']} nodes reached)"
    return f"{fanout['p99']:,} ms"


def _catch_up(catch_up: dict[str, Any]) -> str:
    done = "" if catch_up["complete"] else f", incomplete ({catch_up['reached']} reached)"
    return (
        f"{catch_up['seconds']} s, {catch_up['deltas']:,} deltas, "
        f"{catch_up['snapshots']:,} snapshots{done}"
    )


def _bytes_section(section: dict[str, Any]) -> str:
    rows = [
        [
            c["operation"],
            f"{c['incremental']['wire_bytes']:,}",
            f"{c['incremental']['raw_bytes']:,}",
            f"{c['full']['wire_bytes']:,}",
            f"{c['full']['raw_bytes']:,}",
            f"{c['wire_ratio']:,.0f}×",
        ]
        for c in section["changes"]
    ]
    header = [
        "change",
        "incremental wire B",
        "incremental raw B",
        "full wire B",
        "full raw B",
        "full / incremental (wire)",
    ]
    return (
        f"## 1. Bytes per change ({section['entities']:,} entities, one up-to-date node)\n\n"
        + _table(header, rows)
    )


def _latency_section(section: dict[str, Any]) -> str:
    runs = {(r["mode"], r["nodes"]): r for r in section["runs"]}
    rows = []
    for nodes in sorted({n for _, n in runs}):
        row: list[Any] = [nodes]
        for mode in ("incremental", "full"):
            latency = runs[(mode, nodes)]["latency_ms"]
            row += [latency["p50"], latency["p99"], latency["max"]]
        rows.append(row)
    header = ["nodes", "incremental p50", "p99", "max", "full p50", "p99", "max"]
    return (
        f"## 2. Commit-to-ack latency, ms ({section['entities']:,} entities)\n\n"
        "Nodes are WebSocket clients in one process that acknowledge on receipt; "
        "a real agent's apply time (section 4) adds to these.\n\n" + _table(header, rows)
    )


def _cost_section(section: dict[str, Any]) -> str:
    runs = {(r["mode"], r["entities"]): r for r in section["runs"]}
    rows = []
    for size in sorted({s for _, s in runs}):
        inc, full = runs[("incremental", size)], runs[("full", size)]
        rows.append(
            [
                f"{size:,}",
                inc["cpu_ms_per_change"],
                inc["peak_above_idle_mb"],
                full["cpu_ms_per_change"],
                full["peak_above_idle_mb"],
            ]
        )
    header = [
        "entities",
        "incremental CPU ms",
        "incremental peak MB",
        "full CPU ms",
        "full peak MB",
    ]
    growth = section["cpu_growth"]
    return (
        "## 3. Control-plane cost per change\n\n"
        "CPU time of the server process per change (API request, write, change log, delivery "
        "to one node, ack); peak memory above the idle resident set while the changes run.\n\n"
        + _table(header, rows)
        + f"\n\nCPU growth from smallest to largest config: incremental {growth['incremental']}×, "
        f"full {growth['full']}×."
    )


def _node_section(section: dict[str, Any]) -> str:
    inc, full = section["modes"]["incremental"], section["modes"]["full"]

    def pair(key: str, unit: str = "") -> list[Any]:
        return [f"{inc[key]}{unit}", f"{full[key]}{unit}"]

    def spread(key: str) -> list[str]:
        return [f"{m[key]['p50']} / {m[key]['p99']}" for m in (inc, full)]

    rows = [
        ["apply time per change, p50 / p99 (ms)", *spread("apply_ms")],
        ["commit-to-ack per change, p50 / p99 (ms)", *spread("commit_to_ack_ms")],
        ["CPU per change", *pair("cpu_ms_per_change", " ms")],
        ["resident memory holding the config", *pair("rss_holding_config_mb", " MB")],
        ["peak memory during the changes", *pair("peak_rss_during_changes_mb", " MB")],
        ["peak above holding", *pair("peak_above_holding_mb", " MB")],
        ["first sync: start to holding the config", *pair("first_sync_s", " s")],
        ["first sync: applying the snapshot", *pair("snapshot_apply_ms", " ms")],
    ]
    reference = section["reference"]
    return (
        f"## 4. Node cost (real konnectlite-dp agents, {section['entities']:,} entities, "
        f"{section['changes']} changes)\n\n"
        + _table(["", "incremental", "full"], rows)
        + f"\n\nFor comparison, an agent holding {reference['entities']:,} entities uses "
        f"{reference['rss_mb']} MB."
    )


def _scale_section(section: dict[str, Any]) -> str:
    inc, full = section["modes"]["incremental"], section["modes"]["full"]
    idle = section["idle_memory"]
    rows = [
        ["connect all (s)", inc["connect_all_s"], full["connect_all_s"]],
        [
            "one change to all: p50 / p99 / max (ms)",
            _spread(inc["fanout_ms"]),
            _spread(full["fanout_ms"]),
        ],
        ["reconnect behind: catch-up", _catch_up(inc["catch_up"]), _catch_up(full["catch_up"])],
        [
            "reconnect behind: sent",
            f"{inc['catch_up']['wire_mb']} MB",
            f"{full['catch_up']['wire_mb']} MB",
        ],
        [
            "reconnect behind: server CPU",
            f"{inc['catch_up']['server_cpu_s']} s",
            f"{full['catch_up']['server_cpu_s']} s",
        ],
        [
            "server peak memory",
            f"{inc['server_peak_rss_mb']} MB",
            f"{full['server_peak_rss_mb']} MB",
        ],
    ]
    return (
        f"## 5. Scale ({section['nodes']:,} nodes on one control-plane process, "
        f"{section['entities']:,} entities)\n\n"
        f"Server memory with all {section['nodes']:,} nodes connected and idle: "
        f"{idle['rss_idle_connected_mb']} MB ({idle['rss_before_mb']} MB before they connected, "
        f"{idle['rss_per_connection_kb']} KB per connection).\n\n"
        + _table(["", "incremental", "full"], rows)
    )


def _spread(fanout: dict[str, Any]) -> str:
    if not fanout.get("complete"):
        return f"incomplete ({fanout['reached']} reached)"
    return f"{fanout['p50']} / {fanout['p99']} / {fanout['max']}"


def _writes_section(section: dict[str, Any]) -> str:
    rows = []
    for database, result in section["databases"].items():
        if "skipped" in result:
            rows.append([database, f"skipped: {result['skipped']}", "", "", ""])
            continue
        sequential = result["sequential"]
        concurrent = next(v for k, v in result.items() if k.startswith("concurrent"))
        latency = sequential["latency_ms"]
        rows.append(
            [
                database,
                sequential["writes_per_s"],
                latency["p50"],
                latency["p99"],
                concurrent["writes_per_s"],
            ]
        )
    header = ["database", "writes/s (one client)", "p50 ms", "p99 ms", "writes/s (4 clients)"]
    return (
        f"## 6. API writes (one entity per write, each its own version; {section['entities']:,} entities)\n\n"
        + _table(header, rows)
    )


def _validation_section(section: dict[str, Any]) -> str:
    rows = [
        [name.replace("_", " "), f"{case['request_bytes']:,}", case["status"], case["seconds"]]
        for name, case in section["cases"].items()
    ]
    header = ["worst case", "request bytes", "status", "seconds"]
    return "## 7. Validation cost (worst inputs, one request each)\n\n" + _table(header, rows)


def _body_memory_section(section: dict[str, Any]) -> str:
    rows = [
        [
            name,
            case["status"],
            case["sent_mb"],
            case["answered_after_s"],
            case["idle_rss_mb"],
            case["growth_mb"],
            f"{case['others_answered']} ({case['others_failed']} failed)",
        ]
        for name, case in section["cases"].items()
    ]
    header = [
        "upload",
        "status",
        "MB sent",
        "answered after s",
        "idle MB",
        "growth MB",
        "others answered",
    ]
    return (
        f"## 8. Server memory under a {section['upload_bytes'] / 1024**3:.0f} GiB upload "
        f"(target: growth ≤ {section['target_growth_mb']} MB; met: {_met(section['met'])})\n\n"
        + _table(header, rows)
    )


_SECTIONS = [
    ("bytes_per_change", _bytes_section),
    ("latency", _latency_section),
    ("cp_cost", _cost_section),
    ("node_cost", _node_section),
    ("scale", _scale_section),
    ("api_writes", _writes_section),
    ("validation_cost", _validation_section),
    ("body_memory", _body_memory_section),
]
