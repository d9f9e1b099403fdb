"""Declarative config in the dashboard: the upload awaiting review, and its diff for people.

Reading, planning and applying a decK file is ``controlplane.services.declarative``; this
module only keeps an upload between its dry run and its apply, and shapes the dry-run diff
for the review page. An upload is kept on disk (it can be tens of megabytes, too big for a
session) under a random name that only the uploader's session knows, readable by the server's
user alone, and deleted once applied, replaced by a new upload, or an hour old.
"""

import os
import secrets
import time
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings

from controlplane.dashboard.entities import label, singular
from controlplane.declarative.diff import Diff

PENDING_TTL_SECONDS = 3600
# A 30,000-entity file would make a page no one reads; the counts per type still cover all.
LINES_SHOWN = 500
OPERATIONS = {"created": "create", "updated": "update", "deleted": "delete"}


# --- pending uploads -------------------------------------------------------------------------


def _pending_dir() -> Path:
    # 0700 and 0600: an upload holds credentials and certificate keys in clear.
    path = Path(settings.VAR_DIR) / "dashboard-uploads"
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def save_pending(text: str, *, replacing: str = "") -> str:
    """Keep ``text`` until it is applied (then deleted), replaced by the same reviewer's next
    upload (``replacing``), or PENDING_TTL_SECONDS old, whichever comes first."""
    _prune()
    discard_pending(replacing)
    token = secrets.token_urlsafe(18)
    fd = os.open(_pending_dir() / f"{token}.txt", os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as file:
        file.write(text)
    return token


def load_pending(token: str) -> str | None:
    if not token or not token.replace("-", "").replace("_", "").isalnum():
        return None  # never a path
    _prune()
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
    note: str = ""  # where in the file, or why it goes


@dataclass(frozen=True)
class TypeCounts:
    type_label: str
    created: int
    updated: int
    deleted: int


@dataclass
class DiffView:
    diff: Diff
    lines: list[DiffLine] = field(default_factory=list)
    per_type: list[TypeCounts] = field(default_factory=list)

    @property
    def created(self) -> int:
        return self.diff.count("created")

    @property
    def updated(self) -> int:
        return self.diff.count("updated")

    @property
    def deleted(self) -> int:
        return self.diff.count("deleted")

    @property
    def empty(self) -> bool:
        return self.diff.total == 0

    @property
    def hidden(self) -> int:
        return self.diff.total - len(self.lines)


def diff_view(diff: Diff) -> DiffView:
    """The review of a sync: counts per entity type, then the first LINES_SHOWN changes."""
    lines = [
        DiffLine(
            op=op,
            entity_type=kind,
            type_label=singular(kind),
            name=str(item.get("name") or str(item.get("id", ""))[:8]),
            fields=tuple(item.get("fields", ())),
            note=str(item.get("where") or item.get("reason") or ""),
        )
        for key, op in OPERATIONS.items()
        for kind, items in diff.changes.get(key, {}).items()
        for item in items
    ]
    per_type = [
        TypeCounts(label(kind), c["created"], c["updated"], c["deleted"])
        for kind, c in diff.counts().items()
    ]
    return DiffView(diff, lines[:LINES_SHOWN], per_type)
