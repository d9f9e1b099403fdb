"""``/v2/control-planes``: list, create, get, patch, delete."""

from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from controlplane import health, queries, representations
from controlplane.api.base import OrgAPIView
from controlplane.api.bodies import BadRequest, json_object
from controlplane.api.permissions import IsOrgAdminForWrites, IsOrgMember
from controlplane.api.schema import (
    CONTROL_PLANE_EXAMPLES,
    NAME_FILTERS,
    PAGE,
    ControlPlaneDetailSerializer,
    ControlPlanePageSerializer,
    ControlPlaneSerializer,
    ControlPlaneWriteSerializer,
    documented,
)
from controlplane.errors import SchemaViolationError
from controlplane.models import ControlPlane, DataPlaneNode
from controlplane.services import control_planes as cp_service

_FIELDS = ("name", "description", "labels")
# Konnect's cluster types; only hybrid control planes exist here.
_CLUSTER_TYPE = "CLUSTER_TYPE_HYBRID"


def _changes(body: dict[str, Any]) -> dict[str, Any]:
    """Accept Konnect's ``config.incremental_sync`` nested or dotted (form bodies)."""
    unknown = set(body) - {*_FIELDS, "config", "config.incremental_sync", "cluster_type"}
    if unknown:
        raise SchemaViolationError.single(sorted(unknown)[0], "unknown field")
    config = body.get("config")
    if config is None:
        config = {}
    if not isinstance(config, dict):
        raise SchemaViolationError.single("config", "expected a record")
    unknown = set(config) - {"incremental_sync", "cluster_type"}
    if unknown:
        raise SchemaViolationError.single(f"config.{sorted(unknown)[0]}", "unknown field")
    cluster_type = body.get("cluster_type", config.get("cluster_type", _CLUSTER_TYPE))
    if cluster_type != _CLUSTER_TYPE:
        raise SchemaViolationError.single("cluster_type", f"expected one of: {_CLUSTER_TYPE}")
    changes = {k: v for k, v in body.items() if k in _FIELDS}
    incremental = config.get("incremental_sync", body.get("config.incremental_sync"))
    if isinstance(incremental, str):
        incremental = {"true": True, "false": False}.get(incremental.lower(), incremental)
    if incremental is not None:
        changes["incremental_sync"] = incremental
    return changes


def _filter_by_name(rows: QuerySet[ControlPlane], request: Request) -> QuerySet[ControlPlane]:
    """Konnect's ``filter[name]`` (or ``filter[name][eq]``) and ``filter[name][contains]``."""
    params = request.query_params
    if name := params.get("filter[name]") or params.get("filter[name][eq]") or params.get("name"):
        rows = rows.filter(name=name)
    if part := params.get("filter[name][contains]"):
        rows = rows.filter(name__contains=part)
    return rows


class ControlPlaneCollectionView(OrgAPIView):
    permission_classes = [IsAuthenticated, IsOrgMember, IsOrgAdminForWrites]

    @extend_schema(
        **documented("GET", ControlPlanePageSerializer, parameters=[*PAGE, *NAME_FILTERS])
    )
    def get(self, request: Request) -> Response:
        rows = _filter_by_name(
            ControlPlane.objects.filter(organization=self.org_membership.organization), request
        )
        batch, offset = queries.paginate_by(
            rows, "id", request.query_params.get("size"), request.query_params.get("offset")
        )
        body: dict[str, Any] = {
            "data": [representations.control_plane(cp) for cp in batch],
            "next": None,
        }
        if offset:
            params = request.query_params.copy()
            params["offset"] = offset
            body["next"] = f"{request.path}?{params.urlencode()}"
            body["offset"] = offset
        return Response(body)

    @extend_schema(
        **documented(
            "POST",
            ControlPlaneSerializer,
            request=ControlPlaneWriteSerializer,
            examples=CONTROL_PLANE_EXAMPLES,
        )
    )
    def post(self, request: Request) -> Response:
        changes = _changes(json_object(request))
        if "name" not in changes:
            raise SchemaViolationError.single("name", "required field missing")
        cp = cp_service.create_control_plane(self.org_membership.organization, **changes)
        return Response(representations.control_plane(cp), status=201)


class ControlPlaneItemView(OrgAPIView):
    permission_classes = [IsAuthenticated, IsOrgMember, IsOrgAdminForWrites]

    @extend_schema(**documented("GET", ControlPlaneDetailSerializer))
    def get(self, request: Request, cp_id: str) -> Response:
        cp = self.control_plane()
        nodes = list(DataPlaneNode.objects.filter(control_plane=cp, revoked_at=None))
        fleet = health.fleet_summary(nodes, cp, timezone.now())
        return Response({**representations.control_plane(cp), "fleet": fleet})

    @extend_schema(
        **documented("PATCH", ControlPlaneSerializer, request=ControlPlaneWriteSerializer)
    )
    def patch(self, request: Request, cp_id: str) -> Response:
        cp = self.control_plane()
        changes = _changes(json_object(request))
        if not changes:
            raise BadRequest("nothing to change")
        cp = cp_service.update_control_plane(cp, changes)
        return Response(representations.control_plane(cp))

    def delete(self, request: Request, cp_id: str) -> Response:
        cp_service.delete_control_plane(self.control_plane())
        return Response(status=204)
