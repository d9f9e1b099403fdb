"""``python -m bench.run --profile full|quick``: run every benchmark, write bench/results/.

Exit status 0 when everything worked, whether or not each target was met (the results say
that); 1 when something is broken: a node never caught up, an API call failed, a process died.
"""

import argparse
import asyncio
import os
import platform
import resource
import shutil
import sys
import tempfile
import time
import traceback
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psutil

from bench import cluster, report
from bench.context import Context
from bench.errors import BenchFailure
from bench.profiles import PROFILES, Profile
from bench.sections import (
    api_writes,
    body_memory,
    bytes_per_change,
    cp_cost,
    latency,
    node_cost,
    scale,
    validation_cost,
)

RESULTS = Path(__file__).resolve().parent / "results"

NOTES = [
    "The server is one daphne process on SQLite with the in-process channel layer (the "
    "default deployment); only section 6's PostgreSQL row uses PostgreSQL and Redis.",
    "Nodes in sections 1, 2, 3 and 5 are WebSocket clients in the benchmark's own process, "
    "on the same machine as the server: they speak the protocol and acknowledge each version "
    "on receipt, storing nothing. Section 4 uses real konnectlite-dp agents.",
    "Bytes on the wire are the WebSocket message's payload (a frame header adds 2 to 10 "
    "bytes); uncompressed bytes are the message's JSON.",
    "Each change is one API request on a route copied from the config, cycling create, "
    "update and delete; one change at a time, each waited for on every node.",
    "Server CPU is the daphne process's user and system time; with SQLite the database "
    "engine's work is inside it. Peak memory is the kernel's high-water mark (VmHWM), reset "
    "before each measurement.",
]

Section = Callable[[Context], Awaitable[dict[str, Any]]]
SECTIONS: dict[str, Section] = {
    "bytes_per_change": bytes_per_change.measure,
    "latency": latency.measure,
    "cp_cost": cp_cost.measure,
    "node_cost": node_cost.measure,
    "scale": scale.measure,
    "api_writes": api_writes.measure,
    "validation_cost": validation_cost.measure,
    "body_memory": body_memory.measure,
}


def main(argv: list[str] | None = None) -> int:
    args = _arguments(argv)
    profile = PROFILES[args.profile]
    only = args.only.split(",") if args.only else list(SECTIONS)
    out = args.out or (RESULTS if profile.name == "full" else RESULTS / profile.name)
    workdir = Path(tempfile.mkdtemp(prefix="konnectlite-bench-"))
    try:
        results = run(profile, only, workdir)
    except Exception as exc:
        if not isinstance(exc, BenchFailure):
            traceback.print_exc()
        print(f"bench: FAILED: {exc}", file=sys.stderr)
        _show_log(workdir / "daphne.log")
        return 1
    finally:
        if args.keep:
            print(f"bench: work directory kept at {workdir}", file=sys.stderr)
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    for path in report.write(results, out):
        print(f"bench: wrote {path}", file=sys.stderr)
    print(report.targets_table(results))
    return 0


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--profile", choices=sorted(PROFILES), default="quick")
    parser.add_argument(
        "--out", type=Path, help="results directory (default: bench/results[/quick])"
    )
    parser.add_argument("--only", help=f"comma-separated sections, of: {', '.join(SECTIONS)}")
    parser.add_argument("--keep", action="store_true", help="keep the work directory and logs")
    args = parser.parse_args(argv)
    if args.only and (unknown := set(args.only.split(",")) - set(SECTIONS)):
        parser.error(f"unknown sections: {', '.join(sorted(unknown))}")
    return args


def run(profile: Profile, only: list[str], workdir: Path) -> dict[str, Any]:
    """Start the system, run the chosen sections in order, return every result."""
    _raise_open_files_limit()
    started = time.monotonic()
    results: dict[str, Any] = {
        "profile": profile.name,
        "started_at": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": machine(),
    }
    _log(f"profile {profile.name}: seeding {', '.join(f'{s:,}' for s in profile.sizes)} entities")
    system = cluster.start(
        workdir, cluster.sqlite_env(workdir), list(profile.sizes), profile.config_seed
    )
    try:
        results["config"] = _config(system)
        asyncio.run(_sections(Context(system, profile), only, results))
    finally:
        system.stop()
    results["duration_s"] = round(time.monotonic() - started, 1)
    results["machine"]["load_average_at_end"] = _load_average()
    results["notes"] = NOTES
    return results


async def _sections(ctx: Context, only: list[str], results: dict[str, Any]) -> None:
    for name in only:
        _log(f"{name} ...")
        started = time.monotonic()
        results[name] = await SECTIONS[name](ctx)
        _log(f"{name} done in {time.monotonic() - started:.1f} s")


def _config(system: cluster.Cluster) -> dict[str, Any]:
    sizes = [
        {"entities": cp.entities, "json_bytes": cp.json_bytes}
        for cp in sorted(system.control_planes.values(), key=lambda cp: cp.entities)
    ]
    return {"generator": "bench/configgen.py, seed 42", "sizes": sizes}


def machine() -> dict[str, Any]:
    return {
        "cpu": _cpu_model(),
        "cores": os.cpu_count(),
        "memory_gb": round(psutil.virtual_memory().total / 1024**3, 1),
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "load_average_at_start": _load_average(),
    }


def _load_average() -> list[float]:
    return [round(value, 2) for value in os.getloadavg()]


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def _raise_open_files_limit() -> None:
    """A thousand sockets on each side of the loopback need more than the usual 1,024 files."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = 65_536 if hard == resource.RLIM_INFINITY else hard
    if soft < wanted:
        resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))


def _show_log(path: Path) -> None:
    if path.exists():
        print(f"--- last lines of {path.name} ---", file=sys.stderr)
        print("\n".join(path.read_text().splitlines()[-40:]), file=sys.stderr)


def _log(message: str) -> None:
    print(f"bench: {message}", file=sys.stderr, flush=True)


if __name__ == "__main__":
    sys.exit(main())
