"""Declarative config in the dashboard: export, pending uploads, and the dry-run diff.

Applying a file is ``controlplane.services.declarative.apply_declarative_config``; this
module only prepares what a person reviews before it runs. An upload is kept on disk (it can
be tens of megabytes, too big for a session) under a random name the session remembers.
"""

import json
import secrets
import time
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

import yaml
from django.conf import settings

from controlplane.dashboard.entities import display_name, label
from controlplane.models import ControlPlane, Entity
from kongcore.schema import ENTITY_TYPES

FORMAT_VERSION = "3.0"
PENDING_TTL_SECONDS = 3600
# Stamped on every write; a change to them alone is not worth showing in a review.
QUIET_FIELDS = frozenset({"updated_at", "created_at"})


def declarative_service() -> ModuleType | None:
    """The declarative service, or None while it has not landed in this build."""
    try:
        from controlplane.services import declarative
    except ImportError:
        return None
    return declarative if hasattr(declarative, "apply_declarative_config") else None


def export_config(cp: ControlPlane) -> dict[str, Any]:
    """The whole config in Kong's flat declarative form (as ``kong config db_export``)."""
    config: dict[str, Any] = {"_format_version": FORMAT_VERSION}
    rows = Entity.objects.filter(control_plane=cp).order_by(
        "entity_type", "endpoint_key", "entity_id"
    )
    by_type: dict[str, list[dict[str, Any]]] = {}
    for kind, data in rows.values_list("entity_type", "data").iterator(chunk_size=2000):
        by_type.setdefault(kind, []).append(data)
    for kind in ENTITY_TYPES:
        if by_type.get(kind):
            config[kind] = by_type[kind]
    return config


def export_text(cp: ControlPlane, fmt: str) -> str:
    config = export_config(cp)
    if fmt == "json":
        return json.dumps(config, indent=2, sort_keys=False) + "\n"
    return yaml.safe_dump(config, sort_keys=False, allow_unicode=True)


# --- pending uploads -------------------------------------------------------------------------


def _pending_dir() -> Path:
    path = Path(settings.VAR_DIR) / "dashboard-uploads"
    path.mkdir(parents=True, exist_ok=True)
    return path


def save_pending(text: str) -> str:
    _prune()
    token = secrets.token_urlsafe(18)
    (_pending_dir() / f"{token}.txt").write_text(text, encoding="utf-8")
    return token


def load_pending(token: str) -> str | None:
    if not token or not token.replace("-", "").replace("_", "").isalnum():
        return None
    path = _pending_dir() / f"{token}.txt"
    return path.read_text(encoding="utf-8") if path.exists() else None


def discard_pending(token: str) -> None:
    if load_pending(token) is not None:
        (_pending_dir() / f"{token}.txt").unlink(missing_ok=True)


def _prune() -> None:
    cutoff = time.time() - PENDING_TTL_SECONDS
    for path in _pending_dir().glob("*.txt"):
        if path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)


# --- the diff --------------------------------------------------------------------------------


@dataclass(frozen=True)
class DiffLine:
    op: str
    entity_type: str
    type_label: str
    name: str
    fields: tuple[str, ...] = ()


@dataclass
class DiffView:
    lines: list[DiffLine] = field(default_factory=list)
    raw: str = ""  # the diff as text, when its shape is not one this view knows

    def count(self, op: str) -> int:
        return sum(1 for line in self.lines if line.op == op)

    @property
    def created(self) -> int:
        return self.count("create")

    @property
    def updated(self) -> int:
        return self.count("update")

    @property
    def deleted(self) -> int:
        return self.count("delete")

    @property
    def empty(self) -> bool:
        return not self.lines and not self.raw


def diff_view(diff: Any) -> DiffView:
    """Shape the service's diff for review: the change-log shape, or its text otherwise."""
    changes = _changes_of(diff)
    if changes is None:
        return DiffView(raw=_as_text(diff))
    return DiffView([_line(change) for change in changes])


def _changes_of(diff: Any) -> list[dict[str, Any]] | None:
    if isinstance(diff, dict) and "changes" in diff:
        diff = diff["changes"]
    elif hasattr(diff, "changes"):
        diff = diff.changes
    if isinstance(diff, list | tuple) and all(
        isinstance(c, dict) and c.get("op") in ("create", "update", "delete") for c in diff
    ):
        return list(diff)
    return None


def _line(change: dict[str, Any]) -> DiffLine:
    kind = str(change.get("entity_type", ""))
    new, old = change.get("entity"), change.get("old_entity")
    changed: tuple[str, ...] = ()
    if isinstance(new, dict) and isinstance(old, dict):
        keys = (set(new) | set(old)) - QUIET_FIELDS
        changed = tuple(sorted(k for k in keys if new.get(k) != old.get(k)))
    return DiffLine(change["op"], kind, label(kind), display_name(kind, new or old), changed)


def _as_text(diff: Any) -> str:
    if diff is None:
        return ""
    try:
        return json.dumps(diff, indent=2, default=str)
    except (TypeError, ValueError):
        return str(diff)
