"""Writes to one entity at a time, as Kong's Admin API makes them.

Each function is one version of the control plane: it resolves references given by name,
validates against the entity's Kong schema, and writes through ``versioned_write``. They take
JSON-shaped payloads; turning form bodies into JSON is the API's job.
"""

import uuid
from typing import Any

from controlplane.errors import ForeignKeyViolation, NotFound, SchemaViolationError
from controlplane.models import ControlPlane, Entity
from controlplane.services import certificates, store
from controlplane.services.changelog import now_ts, versioned_write
from kongcore.schema import SchemaViolation, get_schema


def create_entity(
    cp: ControlPlane, entity_type: str, payload: dict[str, Any], *, actor: str
) -> dict[str, Any]:
    """Create one entity (POST). A given ``id`` must be a UUID not yet used."""
    payload, snis = certificates.split_snis(entity_type, payload)
    with versioned_write(cp.pk, actor) as writer:
        data = _prepare(writer.control_plane, entity_type, payload, existing=None)
        store.insert(writer, entity_type, data)
        certificates.replace_snis(writer, data["id"], snis)
    return data


def upsert_entity(
    cp: ControlPlane, entity_type: str, id_or_key: str, payload: dict[str, Any], *, actor: str
) -> tuple[dict[str, Any], bool]:
    """Create or fully replace the entity named by ``id_or_key`` (PUT); True if created."""
    schema = get_schema(entity_type)
    payload, snis = certificates.split_snis(entity_type, payload)
    with versioned_write(cp.pk, actor) as writer:
        row = store.find_by_key(writer.control_plane, entity_type, id_or_key)
        body = dict(payload)
        if row is not None:
            body["id"], body["created_at"] = str(row.entity_id), row.data.get("created_at")
        elif store.is_uuid(id_or_key):
            body["id"] = id_or_key
        if not store.is_uuid(id_or_key):
            # PUT /services/billing names the entity; a body cannot rename it away.
            if not schema.endpoint_key:
                raise SchemaViolationError.single("id", "expected a valid UUID")
            body[schema.endpoint_key] = id_or_key
        data = _prepare(writer.control_plane, entity_type, body, existing=None)
        if row is None:
            store.insert(writer, entity_type, data)
        else:
            store.replace(writer, row, data)
        certificates.replace_snis(writer, data["id"], snis)
    return data, row is None


def update_entity(
    cp: ControlPlane, entity_type: str, id_or_key: str, payload: dict[str, Any], *, actor: str
) -> dict[str, Any]:
    """Merge ``payload`` into the existing entity (PATCH); 404 if it does not exist."""
    payload, snis = certificates.split_snis(entity_type, payload)
    with versioned_write(cp.pk, actor) as writer:
        row = require(writer.control_plane, entity_type, id_or_key)
        body = {k: v for k, v in payload.items() if k not in ("id", "created_at")}
        data = _prepare(writer.control_plane, entity_type, body, existing=row.data)
        store.replace(writer, row, data)
        certificates.replace_snis(writer, data["id"], snis)
    return data


def delete_entity(cp: ControlPlane, entity_type: str, id_or_key: str, *, actor: str) -> bool:
    """Delete the entity and what cascades from it; deleting nothing is not an error."""
    with versioned_write(cp.pk, actor) as writer:
        row = store.find_by_key(writer.control_plane, entity_type, id_or_key)
        if row is None:
            return False
        certificates.remove_snis(writer, row)
        store.remove(writer, row)
    return True


def validate_entity(cp: ControlPlane, entity_type: str, payload: dict[str, Any]) -> dict[str, Any]:
    """Check ``payload`` as a new entity exactly as a create would, writing nothing.

    References given by name must exist, as for a create; uniqueness is not checked,
    as Kong's ``/schemas/{entity}/validate`` does not check it either.
    """
    payload, _ = certificates.split_snis(entity_type, payload)
    return _prepare(cp, entity_type, payload, existing=None)


def require(cp: ControlPlane, entity_type: str, id_or_key: str) -> Entity:
    row = store.find_by_key(cp, entity_type, id_or_key)
    if row is None:
        raise NotFound()
    return row


def _prepare(
    cp: ControlPlane,
    entity_type: str,
    payload: dict[str, Any],
    existing: dict[str, Any] | None,
) -> dict[str, Any]:
    """Resolve references, stamp id and timestamps, then validate against the schema."""
    schema = get_schema(entity_type)
    body = resolve_references(cp, entity_type, payload)
    now = now_ts()
    # Credentials and memberships have created_at but no updated_at, as in Kong.
    stamps = set(schema.field_names)
    if existing is None:
        body["id"] = _entity_id(body.get("id"))
        if "created_at" in stamps:
            body["created_at"] = body.get("created_at") or now
    if "updated_at" in stamps:
        body["updated_at"] = now
    try:
        return schema.validate(body, existing=existing)
    except SchemaViolation as exc:
        raise SchemaViolationError(exc.message, exc.fields) from None


def _entity_id(value: Any) -> str:
    if value is None:
        return str(uuid.uuid4())
    if not store.is_uuid(value):
        raise SchemaViolationError.single("id", "expected a valid UUID")
    return str(uuid.UUID(value))


def resolve_references(
    cp: ControlPlane, entity_type: str, payload: dict[str, Any]
) -> dict[str, Any]:
    """Turn ``{"name": "billing"}`` or ``"billing"`` references into ``{"id": ...}``.

    A bare string is an id or the target's endpoint key (a consumer's username).
    """
    body = dict(payload)
    for name, foreign in get_schema(entity_type).foreign_keys.items():
        ref = body.get(name)
        if ref is None:
            continue
        if isinstance(ref, str):
            key = get_schema(foreign.reference).endpoint_key or "id"
            ref = {"id": ref} if store.is_uuid(ref) else {key: ref}
        if not isinstance(ref, dict):
            continue  # the schema reports the type error
        body[name] = _resolve_one(cp, name, foreign.reference, ref)
    return body


def _resolve_one(cp: ControlPlane, field: str, reference: str, ref: dict[str, Any]) -> Any:
    if "id" in ref or len(ref) != 1:
        return ref
    ((key, value),) = ref.items()
    if key not in get_schema(reference).unique_fields or not isinstance(value, str):
        return ref  # the schema reports the unknown field
    found = store.find_by_unique(cp, reference, key, value)
    if found is None:
        raise ForeignKeyViolation(
            f"the foreign key '{{{key}=\"{value}\"}}' does not reference an existing "
            f"'{reference}' entity.",
            {field: ref},
        )
    return {"id": str(found.entity_id)}
