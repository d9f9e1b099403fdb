"""``/v2/control-planes``: list, create, get, patch, delete."""

from typing import Any

from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from controlplane import queries, representations
from controlplane.api.base import OrgAPIView
from controlplane.api.bodies import BadRequest, json_object
from controlplane.api.permissions import IsOrgAdminForWrites, IsOrgMember
from controlplane.errors import SchemaViolationError
from controlplane.models import ControlPlane
from controlplane.services import control_planes as cp_service


def _changes(body: dict[str, Any]) -> dict[str, Any]:
    """Accept Konnect's ``config.incremental_sync`` nested or dotted (form bodies)."""
    changes = {k: v for k, v in body.items() if k in ("name", "description", "labels")}
    config = body.get("config")
    if config is not None and not isinstance(config, dict):
        raise SchemaViolationError.single("config", "expected a record")
    incremental = (config or {}).get("incremental_sync", body.get("config.incremental_sync"))
    if isinstance(incremental, str):
        incremental = {"true": True, "false": False}.get(incremental.lower(), incremental)
    if incremental is not None:
        changes["incremental_sync"] = incremental
    unknown = set(body) - {"name", "description", "labels", "config", "config.incremental_sync"}
    if unknown:
        field = sorted(unknown)[0]
        raise SchemaViolationError.single(field, "unknown field")
    return changes


class ControlPlaneCollectionView(OrgAPIView):
    permission_classes = [IsAuthenticated, IsOrgMember, IsOrgAdminForWrites]

    def get(self, request: Request) -> Response:
        rows = ControlPlane.objects.filter(organization=self.org_membership.organization)
        if name := request.query_params.get("filter[name]") or request.query_params.get("name"):
            rows = rows.filter(name=name)
        batch, offset = queries.paginate_by(
            rows, "id", request.query_params.get("size"), request.query_params.get("offset")
        )
        next_url = f"{request.path}?offset={offset}" if offset else None
        body: dict[str, Any] = {
            "data": [representations.control_plane(cp) for cp in batch],
            "next": next_url,
        }
        if offset:
            body["offset"] = offset
        return Response(body)

    def post(self, request: Request) -> Response:
        changes = _changes(json_object(request))
        if "name" not in changes:
            raise SchemaViolationError.single("name", "required field missing")
        cp = cp_service.create_control_plane(self.org_membership.organization, **changes)
        return Response(representations.control_plane(cp), status=201)


class ControlPlaneItemView(OrgAPIView):
    permission_classes = [IsAuthenticated, IsOrgMember, IsOrgAdminForWrites]

    def get(self, request: Request, cp_id: str) -> Response:
        return Response(representations.control_plane(self.control_plane()))

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
