"""``python -m bench.declarative [--entities N] [--format yaml|json]``: time decK syncs.

Measures, in one process against a fresh database (a temporary SQLite file unless
DATABASE_URL is set):

1. syncing the generated file (``scripts/generate_config.py``) into an empty control plane;
2. re-syncing the same file (nothing changes, so no version is written);
3. re-syncing it with one entity changed (one version holding one change);
4. a dry run of that file, and an export of the whole config.

Prints one JSON object: seconds per step, peak RSS, versions and change counts, file size.
It is a benchmark to read, not a timed test; targets are under a minute for step 1 and a few
seconds for step 3 on a 2-core machine.
"""

import argparse
import json
import os
import resource
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import psutil

ROOT = Path(__file__).resolve().parents[1]
T = TypeVar("T")


def _setup_django(workdir: Path) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "konnectlite.settings")
    os.environ.setdefault("KONNECTLITE_VAR_DIR", str(workdir))
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)


def _timed(results: dict[str, Any], step: str, action: Callable[[], T]) -> T:
    started = time.perf_counter()
    value = action()
    results[step] = {
        "seconds": round(time.perf_counter() - started, 3),
        "rss_mb": round(psutil.Process().memory_info().rss / 2**20, 1),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }
    return value


def _change_one(document: dict[str, Any]) -> dict[str, Any]:
    """The same document with one service's retries changed."""
    changed = json.loads(json.dumps(document))
    service = changed["services"][0]
    service["retries"] = 1 if service.get("retries") != 1 else 2
    return changed


def run(entities: int, fmt: str, seed: int) -> dict[str, Any]:
    sys.path.insert(0, str(ROOT / "scripts"))
    from generate_config import build

    from controlplane.declarative.export import render
    from controlplane.models import ConfigVersion
    from controlplane.services.control_planes import create_control_plane
    from controlplane.services.declarative import (
        apply_declarative_config,
        export_declarative_config,
    )
    from controlplane.services.tenancy import create_org

    org, _ = create_org("bench-declarative", admin_email="bench@example.com", admin_password="x")
    cp = create_control_plane(org, name="bench")
    results: dict[str, Any] = {"entities": entities, "format": fmt}
    document = build(entities, seed, with_ids=False)
    text = render(document, fmt)
    changed = render(_change_one(document), fmt)
    results["file_mb"] = round(len(text.encode()) / 1e6, 2)

    def sync(source: str, **kwargs: Any) -> dict[str, Any]:
        diff = apply_declarative_config(cp, source, actor="bench", **kwargs)
        summary: dict[str, Any] = diff.as_dict()["summary"]
        return {**summary, "config_version": diff.config_version}

    results["initial_sync_diff"] = _timed(results, "initial_sync", lambda: sync(text))
    results["unchanged_resync_diff"] = _timed(results, "unchanged_resync", lambda: sync(text))
    results["dry_run_diff"] = _timed(results, "dry_run", lambda: sync(changed, dry_run=True))
    results["one_change_resync_diff"] = _timed(results, "one_change_resync", lambda: sync(changed))
    _timed(results, "export", lambda: render(export_declarative_config(cp), fmt))
    cp.refresh_from_db()
    results["versions"] = [
        {"version": v.version, "changes": v.change_count, "wire_bytes": v.wire_bytes}
        for v in ConfigVersion.objects.filter(control_plane=cp).order_by("version")
    ]
    return results


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Time decK declarative syncs.")
    parser.add_argument("--entities", type=int, default=30_000)
    parser.add_argument("--format", choices=("yaml", "json"), default="yaml")
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="konnectlite-bench-") as workdir:
        _setup_django(Path(workdir))
        results = run(args.entities, args.format, args.seed)
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
