"""How the API describes itself in OpenAPI (drf-spectacular), at ``/v2/openapi.json``.

The views are plain ``APIView``s over Kong-shaped JSON, so the serializers here only
document bodies; they never validate one. ``KongAutoSchema`` documents every path
parameter by name (the enums of collections, the example keys the fuzz test creates), every
error as Kong's error body, and names each operation after its view, so that operation ids
never collide. Views declare their own bodies with ``extend_schema(**documented(...))``.
"""

import re
from typing import Any, Literal

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import build_bearer_security_scheme_object
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import serializers

from controlplane import entity_paths
from controlplane.queries import MAX_PAGE_SIZE
from controlplane.services.tokens import MAX_EXPIRY_DAYS
from kongcore.schema import ENTITY_TYPES, plugin_names

PATH: Literal["path"] = "path"
QUERY: Literal["query"] = "query"


class KongErrorSerializer(serializers.Serializer[Any]):
    """Kong's error body."""

    code = serializers.IntegerField()
    name = serializers.CharField()
    message = serializers.CharField()
    # DRF's metaclass moves declared fields off the class, so this does not shadow
    # Serializer.fields at runtime; mypy only sees the names clash.
    fields = serializers.JSONField(required=False)  # type: ignore[assignment]


class EntitySerializer(serializers.Serializer[Any]):
    """A Kong entity; each type adds its own fields (``GET .../schemas/{type}``)."""

    id = serializers.UUIDField()
    created_at = serializers.IntegerField()
    updated_at = serializers.IntegerField(required=False)
    tags = serializers.ListField(child=serializers.CharField(), allow_null=True, required=False)


class EntityWriteSerializer(serializers.Serializer[Any]):
    """An entity's fields, as Kong's Admin API takes them; the type's schema decides."""

    name = serializers.CharField(required=False)
    tags = serializers.ListField(child=serializers.CharField(), required=False)


class EntityPageSerializer(serializers.Serializer[Any]):
    # Like KongErrorSerializer.fields: a declared field, not Serializer.data at runtime.
    data = EntitySerializer(many=True)  # type: ignore[assignment]
    next = serializers.CharField(allow_null=True)
    offset = serializers.CharField(required=False)


class ControlPlaneConfigSerializer(serializers.Serializer[Any]):
    incremental_sync = serializers.BooleanField(required=False)
    cluster_type = serializers.ChoiceField(["CLUSTER_TYPE_HYBRID"], required=False)


class ControlPlaneWriteSerializer(serializers.Serializer[Any]):
    name = serializers.CharField(max_length=100)
    description = serializers.CharField(required=False, allow_blank=True)
    labels = serializers.DictField(child=serializers.CharField(), required=False)
    config = ControlPlaneConfigSerializer(required=False)


class ControlPlaneSerializer(serializers.Serializer[Any]):
    id = serializers.UUIDField()
    name = serializers.CharField()
    description = serializers.CharField(allow_blank=True)
    labels = serializers.DictField(child=serializers.CharField())
    config = ControlPlaneConfigSerializer()
    config_version = serializers.IntegerField()
    config_hash = serializers.CharField()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()


class OldestOutOfSyncSerializer(serializers.Serializer[Any]):
    id = serializers.UUIDField()
    name = serializers.CharField()
    status = serializers.CharField()
    versions_behind = serializers.IntegerField()
    since = serializers.DateTimeField(allow_null=True)
    past_grace = serializers.BooleanField()


class FleetSerializer(serializers.Serializer[Any]):
    total = serializers.IntegerField()
    counts = serializers.DictField(child=serializers.IntegerField())
    out_of_sync_grace_seconds = serializers.IntegerField()
    oldest_out_of_sync = OldestOutOfSyncSerializer(allow_null=True)


class ControlPlaneDetailSerializer(ControlPlaneSerializer):
    fleet = FleetSerializer(help_text="The nodes' counts by health status.")


class ControlPlanePageSerializer(serializers.Serializer[Any]):
    data = ControlPlaneSerializer(many=True)  # type: ignore[assignment]
    next = serializers.CharField(allow_null=True)
    offset = serializers.CharField(required=False)


class TokenWriteSerializer(serializers.Serializer[Any]):
    name = serializers.CharField(max_length=100)
    expires_in_days = serializers.IntegerField(
        min_value=1, max_value=MAX_EXPIRY_DAYS, required=False
    )


class RegistrationTokenWriteSerializer(TokenWriteSerializer):
    """Reusable by any number of nodes until it expires (1 day by default) or is revoked,
    unless ``max_uses`` caps how many nodes may register with it."""

    name = serializers.CharField(max_length=100, required=False, allow_blank=True)
    expires_in_days = serializers.IntegerField(
        min_value=1, max_value=MAX_EXPIRY_DAYS, required=False, help_text="1 when omitted."
    )
    max_uses = serializers.IntegerField(
        min_value=1, required=False, help_text="Omitted: no limit until expiry or revocation."
    )


class TokenSerializer(serializers.Serializer[Any]):
    """A token, never with its secret, except in the answer that created it."""

    id = serializers.UUIDField()
    name = serializers.CharField(allow_blank=True)
    display_prefix = serializers.CharField()
    created_at = serializers.DateTimeField()
    expires_at = serializers.DateTimeField(allow_null=True)
    revoked_at = serializers.DateTimeField(allow_null=True)
    active = serializers.BooleanField()
    last_used_at = serializers.DateTimeField(allow_null=True, required=False)
    max_uses = serializers.IntegerField(allow_null=True, required=False)
    uses = serializers.IntegerField(required=False, help_text="Nodes registered with it.")
    token = serializers.CharField(required=False, help_text="The secret, shown once.")
    command = serializers.CharField(required=False, help_text="konnectlite-dp register ...")


class TokenPageSerializer(serializers.Serializer[Any]):
    data = TokenSerializer(many=True)  # type: ignore[assignment]
    next = serializers.CharField(allow_null=True)


class NodeSerializer(serializers.Serializer[Any]):
    id = serializers.UUIDField()
    name = serializers.CharField()
    hostname = serializers.CharField(allow_blank=True)
    labels = serializers.DictField(child=serializers.CharField())
    version = serializers.CharField(allow_blank=True)
    sync_mode = serializers.CharField(allow_blank=True)
    connected = serializers.BooleanField()
    config_version = serializers.IntegerField()
    config_hash = serializers.CharField(allow_blank=True)
    in_sync = serializers.BooleanField()
    status = serializers.ChoiceField(
        ["in_sync", "behind", "stale", "offline", "incompatible"],
        help_text="The node's health; docs/webhooks.md says what each status means.",
    )
    versions_behind = serializers.IntegerField()
    out_of_sync_since = serializers.DateTimeField(allow_null=True)
    last_ack_at = serializers.DateTimeField(allow_null=True)
    sync_status = serializers.CharField(help_text="The gateway's verdict: 'normal' or why not.")
    last_ping = serializers.DateTimeField(allow_null=True)
    registered_at = serializers.DateTimeField()


class NodePageSerializer(serializers.Serializer[Any]):
    data = NodeSerializer(many=True)  # type: ignore[assignment]
    next = serializers.CharField(allow_null=True)


class ExpectedConfigSerializer(serializers.Serializer[Any]):
    version = serializers.IntegerField()
    hash = serializers.CharField()


class ChangeSerializer(serializers.Serializer[Any]):
    op = serializers.ChoiceField(["create", "update", "delete"])
    entity_type = serializers.CharField()
    entity_id = serializers.UUIDField()
    entity = serializers.JSONField(allow_null=True)
    old_entity = serializers.JSONField(allow_null=True)


class ConfigVersionSerializer(serializers.Serializer[Any]):
    version = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    actor = serializers.CharField(allow_blank=True)
    config_hash = serializers.CharField()
    change_count = serializers.IntegerField()
    raw_bytes = serializers.IntegerField()
    wire_bytes = serializers.IntegerField()
    changes = ChangeSerializer(many=True)


class ChangeLogPageSerializer(serializers.Serializer[Any]):
    data = ConfigVersionSerializer(many=True)  # type: ignore[assignment]
    next = serializers.CharField(allow_null=True)
    config_version = serializers.IntegerField()


class DeclarativeDiffSerializer(serializers.Serializer[Any]):
    dry_run = serializers.BooleanField()
    config_version = serializers.IntegerField()
    summary = serializers.DictField(child=serializers.IntegerField())
    counts = serializers.DictField(child=serializers.DictField(child=serializers.IntegerField()))
    created = serializers.DictField(child=serializers.ListField(child=serializers.JSONField()))
    updated = serializers.DictField(child=serializers.ListField(child=serializers.JSONField()))
    deleted = serializers.DictField(child=serializers.ListField(child=serializers.JSONField()))


class MessageSerializer(serializers.Serializer[Any]):
    message = serializers.CharField()


class PersonalAccessTokenScheme(OpenApiAuthenticationExtension):
    target_class = "controlplane.api.authentication.PersonalAccessTokenAuthentication"
    name = "personalAccessToken"

    def get_security_definition(self, auto_schema: AutoSchema) -> dict[str, Any]:
        definition: dict[str, Any] = build_bearer_security_scheme_object(
            header_name="Authorization", token_prefix="Bearer"
        )
        definition["description"] = "A personal access token, `kpat_…`."
        return definition


def _examples(name: str, *values: str) -> list[OpenApiExample]:
    return [OpenApiExample(f"{name}-{value}", value=value) for value in values]


def _path(name: str, kind: Any = str, *, enum: Any = None, examples: Any = None) -> Any:
    return OpenApiParameter(name, kind, PATH, enum=enum, examples=examples)


# Every path parameter, by name. The examples line up position by position, so that the
# examples phase asks for /services/s/routes/r, /routes/r/plugins, /consumers/c/plugins:
# entities of EXAMPLE_CONFIG.
_NESTED_CHILDREN = sorted({child for _, child in entity_paths.NESTED})
PATH_PARAMETERS = {
    "cp_id": _path("cp_id", OpenApiTypes.UUID),
    "collection": _path(
        "collection",
        enum=sorted(entity_paths.COLLECTIONS),
        examples=_examples("collection", "services", "routes", "consumers"),
    ),
    "key": _path("key", examples=_examples("key", "s", "r", "c")),
    "child": _path(
        "child", enum=_NESTED_CHILDREN, examples=_examples("child", "routes", "plugins", "plugins")
    ),
    "child_key": _path("child_key", examples=_examples("child_key", "r", "p", "p")),
    "group": _path("group", examples=_examples("group", "g")),
    "consumer": _path("consumer", examples=_examples("consumer", "c")),
    "entity_type": _path("entity_type", enum=sorted({*ENTITY_TYPES, *entity_paths.COLLECTIONS})),
    "name": _path("name", enum=sorted(plugin_names())),
    "token_id": _path("token_id", OpenApiTypes.UUID),
    "node_id": _path("node_id", OpenApiTypes.UUID),
}

PAGE = [
    OpenApiParameter("size", int, QUERY, description=f"1 to {MAX_PAGE_SIZE}; 100 by default"),
    OpenApiParameter("offset", str, QUERY, description="The `offset` of the previous page."),
]
TAGS = OpenApiParameter("tags", str, QUERY, description="`a,b` (all of) or `a/b` (any of).")

ENTITY_EXAMPLES = [
    OpenApiExample(
        "service",
        value={"name": "example-service", "host": "example.test", "port": 8080},
        request_only=True,
    ),
    OpenApiExample(
        "route",
        value={"name": "example-route", "paths": ["/example"], "service": {"name": "s"}},
        request_only=True,
    ),
    OpenApiExample("consumer", value={"username": "example-consumer"}, request_only=True),
]

NAME_FILTERS = [
    OpenApiParameter("filter[name]", str, QUERY, description="Exactly this name."),
    OpenApiParameter("filter[name][contains]", str, QUERY, description="Names containing this."),
]
AFTER = OpenApiParameter("after", int, QUERY, description="Versions after this one; 0 by default.")
DECK_FORMAT = OpenApiParameter("format", str, QUERY, enum=["yaml", "json"])
DRY_RUN = OpenApiParameter("dry_run", bool, QUERY, description="Only compute the diff.")

CONTROL_PLANE_EXAMPLES = [
    OpenApiExample(
        "control plane",
        value={
            "name": "example-cp",
            "labels": {"env": "test"},
            "config": {"incremental_sync": True},
        },
        request_only=True,
    )
]
# The config every example names (/services/s, /routes/r, /consumers/c, /plugins/p, ...).
# The fuzz test syncs it before its run, and syncing it again changes nothing.
EXAMPLE_CONFIG: dict[str, Any] = {
    "_format_version": "3.0",
    "services": [{"name": "s", "host": "example.test", "routes": [{"name": "r", "paths": ["/r"]}]}],
    "consumers": [{"username": "c"}],
    "consumer_groups": [{"name": "g"}],
    "plugins": [{"name": "cors", "instance_name": "p"}],
    "upstreams": [{"name": "u"}],
}
DECK_EXAMPLES = [OpenApiExample("decK file", value=EXAMPLE_CONFIG, request_only=True)]
ADD_CONSUMER_EXAMPLES = [OpenApiExample("consumer", value={"consumer": "c"}, request_only=True)]
JOIN_GROUP_EXAMPLES = [OpenApiExample("group", value={"group": "g"}, request_only=True)]

_WRITES = ("POST", "PUT", "PATCH")


def error_statuses(method: str) -> list[int]:
    """The statuses with Kong's error body that ``method`` can answer."""
    errors = [400, 401, 404]
    if method != "GET":
        errors.append(403)
    if method in _WRITES:
        errors += [409, 413]
    return sorted(errors)


def answers(method: str, body: Any, status: int | None = None) -> dict[int, Any]:
    """``body`` on success (201 for POST, 204 for DELETE, else 200), Kong's error otherwise."""
    if status is None:
        status = {"POST": 201, "DELETE": 204}.get(method, 200)
    return {status: body, **dict.fromkeys(error_statuses(method), KongErrorSerializer)}


def documented(method: str, body: Any, **extra: Any) -> dict[str, Any]:
    """``extend_schema`` arguments for a view method answering ``body``."""
    status = extra.pop("status", None)
    return {"responses": answers(method, body, status), **extra}


class KongAutoSchema(AutoSchema):
    def get_request_serializer(self) -> Any:
        return OpenApiTypes.OBJECT if self.method in _WRITES else None

    def get_response_serializers(self) -> Any:
        body = None if self.method == "DELETE" else OpenApiTypes.OBJECT
        return answers(self.method, body)

    def get_override_parameters(self) -> list[Any]:
        names = re.findall(r"{(\w+)}", self.path)
        return [PATH_PARAMETERS[name] for name in names if name in PATH_PARAMETERS]

    def get_operation_id(self) -> str:
        # EntityCollectionView + POST -> entity_collection_post
        view = re.sub(r"View$", "", type(self.view).__name__)
        return re.sub(r"(?<!^)(?=[A-Z])", "_", view).lower() + "_" + self.method.lower()

    def get_tags(self) -> list[str]:
        literals = [part for part in self._tokenize_path() if not part.startswith("{")]
        return literals[-1:] or ["api"]


def _entity_write(method: str) -> Any:
    return extend_schema(
        **documented(
            method, EntitySerializer, request=EntityWriteSerializer, examples=ENTITY_EXAMPLES
        )
    )


# The entity endpoints' documentation, shared by the generic and the certificate views.
list_entities = extend_schema(**documented("GET", EntityPageSerializer, parameters=[*PAGE, TAGS]))
show_entity = extend_schema(**documented("GET", EntitySerializer))
create_entity = _entity_write("POST")
replace_entity = _entity_write("PUT")
update_entity = _entity_write("PATCH")
