"""Kong's schema endpoints under a control plane's base URL, for decK and validators.

``GET {base}/schemas/{entity}``, ``GET {base}/schemas/plugins/{name}`` and
``POST {base}/schemas/{entity}/validate`` (``plugins`` included). They read and check;
they never write, so any member of the organization may call them.
"""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from controlplane import entity_paths
from controlplane.api.base import OrgAPIView
from controlplane.api.bodies import entity_payload
from controlplane.api.permissions import IsOrgMember
from controlplane.api.schema import KongErrorSerializer
from controlplane.errors import NotFound
from controlplane.services import entities as entity_service
from kongcore.schema import ENTITY_TYPES, get_schema
from kongcore.schema.plugins import get_plugin
from kongcore.schema.render import render_entity, render_plugin


def schema_entity_type(name: str) -> str:
    """Kong's entity name (``key_sets``) or its Admin API collection (``key-sets``)."""
    entity_type = name if name in ENTITY_TYPES else entity_paths.entity_type_for(name)
    if entity_type is None:
        raise NotFound(f"No entity named '{name}'")
    return entity_type


class SchemaReadView(OrgAPIView):
    # Reading or checking a schema changes nothing: viewers may do it too.
    permission_classes = [IsAuthenticated, IsOrgMember]


class EntitySchemaView(SchemaReadView):
    def get(self, request: Request, cp_id: str, entity_type: str) -> Response:
        return Response(render_entity(get_schema(schema_entity_type(entity_type))))


class PluginSchemaView(SchemaReadView):
    def get(self, request: Request, cp_id: str, name: str) -> Response:
        plugin = get_plugin(name)
        if plugin is None:
            raise NotFound(f"No plugin named '{name}'")
        return Response(render_plugin(plugin))


class SchemaValidationView(SchemaReadView):
    @extend_schema(
        responses={
            200: OpenApiTypes.OBJECT,
            **dict.fromkeys((400, 401, 404), KongErrorSerializer),
        }
    )
    def post(self, request: Request, cp_id: str, entity_type: str) -> Response:
        kind = schema_entity_type(entity_type)
        payload = entity_payload(request, kind)
        entity_service.validate_entity(self.control_plane(), kind, payload)
        return Response({"message": "schema validation successful"})
