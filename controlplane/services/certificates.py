"""Kong's ``snis`` shorthand on certificates, written in the certificate's own version.

``POST/PUT/PATCH /certificates`` may carry ``"snis": ["a.example", ...]``: the certificate's
SNI entities are then created or replaced to match, as Kong's certificates DAO does. Reading
a certificate shows the names of its SNIs, sorted. Deleting a certificate deletes its SNIs
with it (Kong's DAO does the same), in the same version.
"""

import uuid
from collections.abc import Iterable
from typing import Any

from controlplane.errors import SchemaViolationError
from controlplane.models import ControlPlane, Entity, EntityRef
from controlplane.services import store
from controlplane.services.changelog import VersionWriter, now_ts
from kongcore.schema import SchemaViolation, get_schema

CERTIFICATES = "certificates"


def split_snis(
    entity_type: str, payload: dict[str, Any]
) -> tuple[dict[str, Any], list[str] | None]:
    """Take ``snis`` off a certificate payload; None when the payload does not set them."""
    if entity_type != CERTIFICATES or "snis" not in payload:
        return payload, None
    body = dict(payload)
    return body, _name_list(body.pop("snis"))


def _name_list(raw: Any) -> list[str]:
    if raw is None:
        return []
    if not isinstance(raw, list) or not all(isinstance(name, str) for name in raw):
        raise SchemaViolationError.single("snis", "expected an array of strings")
    seen: set[str] = set()
    for name in raw:
        if name in seen:
            raise SchemaViolationError.single("snis", f"{name} is duplicated")
        seen.add(name)
    return sorted(raw)


def check_names_free(cp: ControlPlane, names: Iterable[str], certificate_id: str | None) -> None:
    """Refuse names that already belong to another certificate, as Kong does."""
    for name in names:
        row = store.find_by_key(cp, "snis", name)
        owner = (row.data.get("certificate") or {}).get("id") if row else None
        if row is not None and owner != certificate_id:
            message = f"{name} already associated with existing certificate '{owner}'"
            raise SchemaViolationError(f"schema violation (snis: {message})", {"snis": message})


def replace_snis(writer: VersionWriter, certificate_id: str, names: list[str] | None) -> None:
    """Make the certificate's SNIs exactly ``names`` (None: leave them), in ``writer``'s version."""
    if names is None:
        return
    cp = writer.control_plane
    check_names_free(cp, names, certificate_id)
    current = {row.data["name"]: row for row in _sni_rows(cp, [certificate_id])}
    for name in names:
        if name not in current:
            store.insert(writer, "snis", _new_sni(name, certificate_id))
    for name, row in current.items():
        if name not in names:
            store.remove(writer, row)


def remove_snis(writer: VersionWriter, row: Entity) -> None:
    """Delete a certificate's SNIs before the certificate itself (no-op for other types)."""
    if row.entity_type != CERTIFICATES:
        return
    for sni in _sni_rows(writer.control_plane, [str(row.entity_id)]):
        store.remove(writer, sni)


def with_snis(cp: ControlPlane, certificates: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The certificates as Kong's Admin API shows them: with their SNI names, sorted."""
    names: dict[str, list[str]] = {}
    for row in _sni_rows(cp, [c["id"] for c in certificates]):
        names.setdefault(row.data["certificate"]["id"], []).append(row.data["name"])
    return [{**c, "snis": sorted(names.get(c["id"], []))} for c in certificates]


def _sni_rows(cp: ControlPlane, certificate_ids: list[str]) -> list[Entity]:
    sources = EntityRef.objects.filter(
        control_plane=cp,
        target_type=CERTIFICATES,
        target_id__in=certificate_ids,
        field="certificate",
    ).values("source_id")
    return list(Entity.objects.filter(pk__in=sources, entity_type="snis"))


def _new_sni(name: str, certificate_id: str) -> dict[str, Any]:
    now = now_ts()
    body = {
        "id": str(uuid.uuid4()),
        "name": name,
        "certificate": {"id": certificate_id},
        "created_at": now,
        "updated_at": now,
    }
    try:
        return get_schema("snis").validate(body)
    except SchemaViolation as exc:
        raise SchemaViolationError(exc.message, {"snis": exc.fields}) from None
