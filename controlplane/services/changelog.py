"""The change-log writer: every committed write becomes exactly one version.

``versioned_write`` is the one door through which entity writes pass. It locks the control
plane's row, lets the caller make its changes through a ``VersionWriter``, then, in the same
transaction, records the version, its changes and the new config hash. What happens after
commit (announcing the version to nodes and dashboards) belongs to ``controlplane.sync``.
"""

import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from controlplane.errors import NotFound
from controlplane.models import Change, ConfigVersion, ControlPlane
from controlplane.services import audit
from controlplane.sync import announce, metrics, webhook_outbox
from controlplane.sync.frames import encode_delta
from kongcore import hashing, protocol


@dataclass
class VersionWriter:
    """Collects the changes of one write; ``record`` keeps the running config hash."""

    control_plane: ControlPlane
    actor: str
    changes: list[protocol.Change] = field(default_factory=list)
    # The audit log's action; empty means "entity.<op>" of the first change.
    action: str = ""

    def __post_init__(self) -> None:
        self.config_hash = self.control_plane.config_hash

    def record(
        self,
        op: protocol.Operation,
        entity_type: str,
        entity: dict[str, Any] | None,
        old_entity: dict[str, Any] | None,
    ) -> None:
        self.changes.append(
            {"op": op, "entity_type": entity_type, "entity": entity, "old_entity": old_entity}
        )
        self.config_hash = hashing.apply_change(self.config_hash, entity_type, old_entity, entity)


@contextmanager
def versioned_write(
    control_plane_id: uuid.UUID | str, actor: str, *, action: str = ""
) -> Iterator[VersionWriter]:
    """Run a write as one version of the control plane, with its audit event.

    The trap: everything that must be all-or-nothing has to happen inside the ``with`` block.
    Raising inside it rolls back every change and records nothing; leaving it without
    recording a change commits no version at all.
    """
    with transaction.atomic():
        try:
            cp = ControlPlane.objects.select_for_update().get(pk=control_plane_id)
        except ControlPlane.DoesNotExist:
            raise NotFound("control plane not found") from None
        writer = VersionWriter(cp, actor, action=action)
        yield writer
        if writer.changes:
            _commit_version(writer)


def _commit_version(writer: VersionWriter) -> ConfigVersion:
    cp = writer.control_plane
    now = timezone.now()
    new_version = cp.config_version + 1
    frame = encode_delta(
        version=new_version,
        config_hash=writer.config_hash,
        committed_at=now.timestamp(),
        changes=writer.changes,
    )
    version = ConfigVersion.objects.create(
        control_plane=cp,
        version=new_version,
        created_at=now,
        actor=writer.actor[:200],
        config_hash=writer.config_hash,
        change_count=len(writer.changes),
        raw_bytes=frame.raw_bytes,
        wire_bytes=frame.wire_bytes,
        revocation_epoch=cp.revocation_epoch,
    )
    Change.objects.bulk_create(_change_rows(version, writer.changes), batch_size=2000)
    ControlPlane.objects.filter(pk=cp.pk).update(
        config_version=new_version, config_hash=writer.config_hash, updated_at=now
    )
    cp.config_version, cp.config_hash = new_version, writer.config_hash
    _compact(cp)
    _audit(writer, new_version)
    webhook_outbox.enqueue_version_created(cp, version)
    announce.version_on_commit(cp, version, frame)
    transaction.on_commit(partial(metrics.version_committed, str(cp.pk)))
    return version


def _change_rows(version: ConfigVersion, changes: list[protocol.Change]) -> Iterator[Change]:
    for seq, change in enumerate(changes):
        current = change["entity"] or change["old_entity"] or {}
        yield Change(
            config_version=version,
            seq=seq,
            op=change["op"],
            entity_type=change["entity_type"],
            entity_id=current["id"],
            entity=change["entity"],
            old_entity=change["old_entity"],
        )


def _audit(writer: VersionWriter, version: int) -> None:
    """One audit event per version; a single-entity write names its entity as the target."""
    first = writer.changes[0]
    entity = first["entity"] or first["old_entity"] or {}
    single = not writer.action
    audit.record(
        writer.action or f"entity.{first['op']}",
        organization=writer.control_plane.organization_id,
        target_type=first["entity_type"] if single else "control_plane",
        target_id=entity.get("id", "") if single else writer.control_plane.pk,
        target_label=_entity_label(entity) if single else writer.control_plane.name,
        control_plane_id=writer.control_plane.pk,
        detail={"version": version, "change_count": len(writer.changes)},
    )


def _entity_label(entity: dict[str, Any]) -> str:
    for key in ("name", "username", "custom_id", "key", "target", "group", "id"):
        value = entity.get(key)
        if isinstance(value, str) and value:
            return value
    return ""


def _compact(cp: ControlPlane) -> None:
    """Drop the versions that fell out of the retention window (normally exactly one)."""
    floor = cp.config_version - settings.KONNECTLITE_CHANGELOG_RETENTION
    if floor < 1:
        return
    Change.objects.filter(
        config_version__control_plane=cp, config_version__version__lte=floor
    ).delete()
    ConfigVersion.objects.filter(control_plane=cp, version__lte=floor).delete()


def now_ts() -> int:
    """Kong's entity timestamps: whole seconds since the epoch."""
    return int(time.time())
