"""``manage.py config dump|sync``: decK files from the command line.

    manage.py config dump --control-plane NAME [--org ORG] [--format yaml|json]
    manage.py config sync --control-plane NAME FILE [--org ORG] [--dry-run]

``dump`` writes what ``GET .../declarative-config`` answers; ``sync`` does what
``POST .../declarative-config`` does, as one version, with a progress bar for large files.
"""

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from controlplane.declarative.diff import OPERATIONS, Diff
from controlplane.declarative.errors import InvalidDeclarativeConfig
from controlplane.declarative.export import render
from controlplane.errors import KongError
from controlplane.models import ControlPlane
from controlplane.services.declarative import apply_declarative_config, export_declarative_config
from controlplane.services.store import is_uuid

# Files past this size get a progress bar; smaller ones sync in a blink.
PROGRESS_BYTES = 512 * 1024
PROBLEMS_SHOWN = 20


class Command(BaseCommand):
    help = "Export a control plane's config as a decK file, or sync a decK file onto it."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        dump = actions.add_parser("dump", help="write the config as a decK file to stdout")
        _target(dump)
        dump.add_argument("--format", choices=("yaml", "json"), default="yaml")
        sync = actions.add_parser("sync", help="make the config equal to a decK file")
        _target(sync)
        sync.add_argument("file", help="the decK file (YAML or JSON); - reads stdin")
        sync.add_argument("--dry-run", action="store_true", help="show the diff, write nothing")
        sync.add_argument("--actor", default="manage.py config sync")

    def handle(self, *args: Any, **options: Any) -> None:
        cp = find_control_plane(options["control_plane"], options.get("org"))
        if options["action"] == "dump":
            self.stdout.write(render(export_declarative_config(cp), options["format"]), ending="")
            return
        data = _read(options["file"])
        try:
            diff = self._sync(cp, data, options)
        except InvalidDeclarativeConfig as exc:
            raise CommandError(_problems(exc)) from None
        except KongError as exc:
            raise CommandError(exc.message) from None
        self.stdout.write(summary(diff))

    def _sync(self, cp: ControlPlane, data: bytes, options: dict[str, Any]) -> Diff:
        kwargs = {"actor": options["actor"], "dry_run": options["dry_run"]}
        if len(data) < PROGRESS_BYTES:
            return apply_declarative_config(cp, data, **kwargs)
        columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn())
        console = Console(stderr=True)
        with Progress(*columns, TimeElapsedColumn(), console=console) as bar:
            task = bar.add_task("reading the file", total=None)

            def progress(stage: str, done: int, total: int) -> None:
                label = "validating entities" if stage == "validate" else "writing"
                bar.update(task, description=label, completed=done, total=total)

            return apply_declarative_config(cp, data, progress=progress, **kwargs)


def _target(parser: CommandParser) -> None:
    parser.add_argument("--control-plane", required=True, help="control plane name or id")
    parser.add_argument("--org", help="organization name or id (needed if names clash)")


def find_control_plane(name: str, org: str | None) -> ControlPlane:
    """The control plane called ``name`` (or with that id), in ``org`` if given."""
    planes = ControlPlane.objects.select_related("organization")
    planes = planes.filter(pk=name) if is_uuid(name) else planes.filter(name=name)
    if org:
        by = {"organization_id": org} if is_uuid(org) else {"organization__name": org}
        planes = planes.filter(**by)
    found = list(planes[:2])
    if not found:
        raise CommandError(
            f"no control plane '{name}'" + (f" in organization '{org}'" if org else "")
        )
    if len(found) > 1:
        raise CommandError(f"several organizations have a control plane '{name}'; pass --org")
    return found[0]


def _read(path: str) -> bytes:
    if path == "-":
        return sys.stdin.buffer.read()
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise CommandError(f"cannot read {path}: {exc.strerror}") from None


def _problems(exc: InvalidDeclarativeConfig) -> str:
    lines = [exc.message]
    lines += [f"  {p.location}: {p.message}" for p in exc.problems[:PROBLEMS_SHOWN]]
    if len(exc.problems) > PROBLEMS_SHOWN:
        lines.append(f"  ... and {len(exc.problems) - PROBLEMS_SHOWN} more")
    return "\n".join(lines)


def summary(diff: Diff) -> str:
    """The diff for people: one line per entity type, then the totals."""
    verb = "would be " if diff.dry_run else ""
    lines = [
        f"{kind}: " + ", ".join(f"{counts[op]} {verb}{op}" for op in OPERATIONS)
        for kind, counts in diff.counts().items()
    ]
    totals = ", ".join(f"{diff.count(op)} {op}" for op in OPERATIONS)
    if diff.dry_run:
        lines.append(f"Dry run: {totals}, {diff.unchanged} unchanged; nothing written.")
    elif diff.total:
        lines.append(
            f"Synced as version {diff.config_version}: {totals}, {diff.unchanged} unchanged."
        )
    else:
        lines.append(f"Nothing to change; the config stays at version {diff.config_version}.")
    return "\n".join(lines)
