"""How the entity browser reads and shows Kong entities: labels, search, summary columns."""

import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from controlplane import queries
from controlplane.models import ControlPlane, Entity
from controlplane.services.store import is_uuid
from kongcore.schema import ENTITY_TYPES, get_schema

LABELS = {
    "vaults": "Vaults",
    "certificates": "Certificates",
    "ca_certificates": "CA certificates",
    "snis": "SNIs",
    "services": "Gateway services",
    "routes": "Routes",
    "consumers": "Consumers",
    "consumer_groups": "Consumer groups",
    "consumer_group_consumers": "Consumer group members",
    "upstreams": "Upstreams",
    "targets": "Targets",
    "key_sets": "Key sets",
    "keys": "Keys",
    "plugins": "Plugins",
    "keyauth_credentials": "Key-auth credentials",
    "basicauth_credentials": "Basic-auth credentials",
    "acls": "ACL groups",
    "jwt_secrets": "JWT credentials",
    "hmacauth_credentials": "HMAC-auth credentials",
}
# The types an operator reaches for first are listed first; the rest follow Kong's order.
BROWSE_ORDER = ("services", "routes", "consumers", "plugins", "upstreams", "targets")

Names = dict[str, str]
Column = tuple[str, Callable[[dict[str, Any], Names], str]]


@dataclass(frozen=True)
class EntityType:
    name: str
    label: str
    count: int = 0


def require_type(entity_type: str) -> str:
    if entity_type not in ENTITY_TYPES:
        raise Http404(f"unknown entity type '{entity_type}'")
    return entity_type


def label(entity_type: str) -> str:
    return LABELS.get(entity_type, entity_type.replace("_", " ").capitalize())


def singular(entity_type: str) -> str:
    text = label(entity_type)
    return text[:-1] if text.endswith("s") else text


def browse_types(cp: ControlPlane) -> list[EntityType]:
    """Every entity type with how many entities of it ``cp`` holds (one query)."""
    counts = dict(
        Entity.objects.filter(control_plane=cp)
        .values_list("entity_type")
        .annotate(n=Count("id"))
        .values_list("entity_type", "n")
    )
    ordered = [*BROWSE_ORDER, *(t for t in ENTITY_TYPES if t not in BROWSE_ORDER)]
    return [EntityType(t, label(t), counts.get(t, 0)) for t in ordered if t in ENTITY_TYPES]


def search(rows: QuerySet[Entity], entity_type: str, text: str) -> QuerySet[Entity]:
    """Match the name (the type's endpoint key, or a plugin's name) or an exact id."""
    text = text.strip()
    if not text:
        return rows
    wanted = Q(endpoint_key__icontains=text)
    if entity_type == "plugins":
        wanted |= Q(data__name__icontains=text)
    if entity_type == "acls":
        wanted |= Q(data__group__icontains=text)
    if is_uuid(text):
        wanted |= Q(entity_id=uuid.UUID(text))
    return rows.filter(wanted)


def browse(cp: ControlPlane, entity_type: str, text: str, tags: str) -> QuerySet[Entity]:
    rows = queries.filter_tags(queries.entities(cp, entity_type), tags.strip() or None)
    return search(rows, entity_type, text).order_by("endpoint_key", "entity_id")


def display_name(entity_type: str, data: dict[str, Any] | None) -> str:
    if not data:
        return ""
    key = get_schema(entity_type).endpoint_key if entity_type in ENTITY_TYPES else None
    for name in (key, "name", "username", "group", "target"):
        if name and data.get(name):
            return str(data[name])
    return str(data.get("id", ""))[:8]


def reference_names(cp: ControlPlane, rows: Iterable[dict[str, Any]]) -> Names:
    """The names of every entity the given entities point at, in one query."""
    ids = {
        ref["id"]
        for data in rows
        for ref in data.values()
        if isinstance(ref, dict) and set(ref) == {"id"} and isinstance(ref["id"], str)
    }
    if not ids:
        return {}
    found = Entity.objects.filter(control_plane=cp, entity_id__in=list(ids))
    return {
        str(row.entity_id): display_name(row.entity_type, row.data)
        for row in found.only("entity_id", "entity_type", "data")
    }


def _ref(field: str) -> Callable[[dict[str, Any], Names], str]:
    def show(data: dict[str, Any], names: Names) -> str:
        ref = data.get(field)
        if not isinstance(ref, dict):
            return ""
        return names.get(str(ref.get("id")), str(ref.get("id", ""))[:8])

    return show


def _field(name: str) -> Callable[[dict[str, Any], Names], str]:
    def show(data: dict[str, Any], names: Names) -> str:
        value = data.get(name)
        if value is None:
            return ""
        if isinstance(value, bool):
            return "yes" if value else "no"
        if isinstance(value, list):
            return ", ".join(str(v) for v in value)
        return str(value)

    return show


def _service_url(data: dict[str, Any], names: Names) -> str:
    port = data.get("port")
    return f"{data.get('protocol')}://{data.get('host')}:{port}{data.get('path') or ''}"


def _plugin_scope(data: dict[str, Any], names: Names) -> str:
    scopes = [
        f"{field} {_ref(field)(data, names)}"
        for field in ("service", "route", "consumer", "consumer_group")
        if data.get(field)
    ]
    return ", ".join(scopes) or "global"


COLUMNS: dict[str, list[Column]] = {
    "services": [("URL", _service_url), ("Enabled", _field("enabled"))],
    "routes": [
        ("Service", _ref("service")),
        ("Paths", _field("paths")),
        ("Hosts", _field("hosts")),
        ("Methods", _field("methods")),
    ],
    "consumers": [("Custom id", _field("custom_id"))],
    "plugins": [
        ("Plugin", _field("name")),
        ("Applies to", _plugin_scope),
        ("Enabled", _field("enabled")),
    ],
    "upstreams": [("Algorithm", _field("algorithm"))],
    "targets": [("Upstream", _ref("upstream")), ("Weight", _field("weight"))],
    "snis": [("Certificate", _ref("certificate"))],
    "keys": [("Key set", _ref("set")), ("kid", _field("kid"))],
    "keyauth_credentials": [("Consumer", _ref("consumer"))],
    "basicauth_credentials": [("Consumer", _ref("consumer"))],
    "acls": [("Consumer", _ref("consumer")), ("Group", _field("group"))],
    "jwt_secrets": [("Consumer", _ref("consumer")), ("Algorithm", _field("algorithm"))],
    "hmacauth_credentials": [("Consumer", _ref("consumer"))],
    "consumer_group_consumers": [
        ("Group", _ref("consumer_group")),
        ("Consumer", _ref("consumer")),
    ],
    "vaults": [("Vault", _field("name"))],
}


@dataclass(frozen=True)
class Row:
    id: str
    name: str
    cells: list[str]
    tags: list[str]


def table_rows(cp: ControlPlane, entity_type: str, batch: list[Entity]) -> list[Row]:
    datas = [row.data for row in batch]
    names = reference_names(cp, datas)
    columns = COLUMNS.get(entity_type, [])
    return [
        Row(
            id=str(data["id"]),
            name=display_name(entity_type, data),
            cells=[show(data, names) for _, show in columns],
            tags=list(data.get("tags") or []),
        )
        for data in datas
    ]


def column_labels(entity_type: str) -> list[str]:
    return [title for title, _ in COLUMNS.get(entity_type, [])]
