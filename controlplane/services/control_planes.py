"""Control planes: create, change settings, delete."""

from typing import Any

from django.db import IntegrityError, transaction

from controlplane.errors import SchemaViolationError, UniqueViolation
from controlplane.models import ControlPlane, Organization
from controlplane.services import audit
from controlplane.sync import announce

EDITABLE = ("name", "description", "labels", "incremental_sync")


def create_control_plane(
    org: Organization,
    *,
    name: str,
    description: str = "",
    labels: dict[str, str] | None = None,
    incremental_sync: bool = True,
) -> ControlPlane:
    fields = _clean(
        {
            "name": name,
            "description": description,
            "labels": {} if labels is None else labels,
            "incremental_sync": incremental_sync,
        }
    )
    try:
        with transaction.atomic():
            cp = ControlPlane.objects.create(organization=org, **fields)
            audit.record_on(cp, "control_plane.create")
            return cp
    except IntegrityError:
        raise _name_taken(name) from None


def update_control_plane(cp: ControlPlane, changes: dict[str, Any]) -> ControlPlane:
    """Apply ``changes`` (a subset of EDITABLE). Toggling incremental sync is announced."""
    fields = _clean({k: v for k, v in changes.items() if k in EDITABLE})
    try:
        with transaction.atomic():
            locked = ControlPlane.objects.select_for_update().get(pk=cp.pk)
            toggled = "incremental_sync" in fields and (
                fields["incremental_sync"] != locked.incremental_sync
            )
            for name, value in fields.items():
                setattr(locked, name, value)
            locked.save(update_fields=[*fields, "updated_at"])
            if toggled:
                announce.settings_on_commit(locked)
            audit.record_on(locked, "control_plane.update", detail={"fields": sorted(fields)})
    except IntegrityError:
        raise _name_taken(str(fields.get("name"))) from None
    return locked


def delete_control_plane(cp: ControlPlane) -> None:
    """Delete the control plane with its config and nodes; connected nodes are dropped."""
    cp_id = str(cp.pk)
    with transaction.atomic():
        ControlPlane.objects.filter(pk=cp.pk).delete()
        audit.record_on(cp, "control_plane.delete")
        announce.revocation_on_commit(cp_id, None)


def _clean(fields: dict[str, Any]) -> dict[str, Any]:
    if "name" in fields:
        name = fields["name"]
        if not isinstance(name, str):
            raise SchemaViolationError.single("name", "expected a string")
        if not name.strip():
            raise SchemaViolationError.single("name", "required field missing")
        if len(name) > 100:
            raise SchemaViolationError.single("name", "length must be at most 100")
        fields["name"] = name.strip()
    if "description" in fields and not isinstance(fields["description"], str):
        raise SchemaViolationError.single("description", "expected a string")
    if "labels" in fields:
        _check_labels(fields["labels"])
    if "incremental_sync" in fields and not isinstance(fields["incremental_sync"], bool):
        raise SchemaViolationError.single("config.incremental_sync", "expected a boolean")
    return fields


def _check_labels(labels: Any) -> None:
    if not isinstance(labels, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in labels.items()
    ):
        raise SchemaViolationError.single("labels", "expected a map of strings to strings")


def _name_taken(name: str) -> UniqueViolation:
    return UniqueViolation(f"UNIQUE violation detected on '{{name=\"{name}\"}}'", {"name": name})
