"""Data-plane nodes, their registration tokens, and the expected config."""

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from controlplane import queries, representations
from controlplane.access import get_node, get_registration_token
from controlplane.api.base import OrgAPIView, request_user
from controlplane.api.bodies import json_object, optional_int
from controlplane.api.permissions import IsOrgAdminForWrites, IsOrgMember
from controlplane.api.schema import (
    PAGE,
    ExpectedConfigSerializer,
    NodePageSerializer,
    NodeSerializer,
    RegistrationTokenWriteSerializer,
    TokenPageSerializer,
    TokenSerializer,
    documented,
)
from controlplane.errors import NotFound, SchemaViolationError, Unauthorized
from controlplane.models import DataPlaneNode, RegistrationToken
from controlplane.services import nodes as node_service
from kongcore import protocol

REGISTER_MAX_BODY_BYTES = 64 * 1024


class NodeCollectionView(OrgAPIView):
    @extend_schema(**documented("GET", NodePageSerializer, parameters=PAGE))
    def get(self, request: Request, cp_id: str) -> Response:
        cp = self.control_plane()
        rows = DataPlaneNode.objects.filter(control_plane=cp, revoked_at=None).select_related(
            "control_plane"
        )
        batch, offset = queries.paginate_by(
            rows, "id", request.query_params.get("size"), request.query_params.get("offset")
        )
        body: dict[str, Any] = {
            "data": [representations.node(n) for n in batch],
            "next": f"{request.path}?offset={offset}" if offset else None,
        }
        return Response(body)


class NodeItemView(OrgAPIView):
    permission_classes = [IsAuthenticated, IsOrgMember, IsOrgAdminForWrites]

    def _node(self, node_id: str) -> DataPlaneNode:
        node = get_node(self.control_plane(), node_id)
        if node.revoked_at is not None:
            raise NotFound("node not found")
        return node

    @extend_schema(**documented("GET", NodeSerializer))
    def get(self, request: Request, cp_id: str, node_id: str) -> Response:
        return Response(representations.node(self._node(node_id)))

    def delete(self, request: Request, cp_id: str, node_id: str) -> Response:
        try:
            node = self._node(node_id)
        except NotFound:
            return Response(status=204)
        node_service.revoke_node(node)
        return Response(status=204)


class ExpectedConfigView(OrgAPIView):
    @extend_schema(**documented("GET", ExpectedConfigSerializer))
    def get(self, request: Request, cp_id: str) -> Response:
        cp = self.control_plane()
        return Response({"version": cp.config_version, "hash": cp.config_hash})


def register_command(request: Request, secret: str) -> str:
    server = f"{request.scheme}://{request.get_host()}"
    return f"konnectlite-dp register --server {server} --token {secret}"


class RegistrationTokenCollectionView(OrgAPIView):
    permission_classes = [IsAuthenticated, IsOrgMember, IsOrgAdminForWrites]

    @extend_schema(**documented("GET", TokenPageSerializer, parameters=PAGE))
    def get(self, request: Request, cp_id: str) -> Response:
        rows = RegistrationToken.objects.filter(control_plane=self.control_plane())
        batch, offset = queries.paginate_by(
            rows, "id", request.query_params.get("size"), request.query_params.get("offset")
        )
        return Response(
            {
                "data": [representations.registration_token(t) for t in batch],
                "next": f"{request.path}?offset={offset}" if offset else None,
            }
        )

    @extend_schema(**documented("POST", TokenSerializer, request=RegistrationTokenWriteSerializer))
    def post(self, request: Request, cp_id: str) -> Response:
        body = json_object(request)
        name = body.get("name", "")
        if not isinstance(name, str):
            raise SchemaViolationError.single("name", "expected a string")
        token, secret = node_service.create_registration_token(
            self.control_plane(),
            name=name,
            created_by=request_user(request),
            expires_in_days=optional_int(body, "expires_in_days"),
            max_uses=optional_int(body, "max_uses"),
        )
        return Response(
            {
                **representations.registration_token(token),
                "token": secret,
                "command": register_command(request, secret),
            },
            status=201,
        )


class RegistrationTokenItemView(OrgAPIView):
    permission_classes = [IsAuthenticated, IsOrgMember, IsOrgAdminForWrites]

    def _token(self, token_id: str) -> RegistrationToken:
        return get_registration_token(self.control_plane(), token_id)

    @extend_schema(**documented("GET", TokenSerializer))
    def get(self, request: Request, cp_id: str, token_id: str) -> Response:
        return Response(representations.registration_token(self._token(token_id)))

    def delete(self, request: Request, cp_id: str, token_id: str) -> Response:
        node_service.revoke_registration_token(self._token(token_id))
        return Response(status=204)


class RegisterNodeView(APIView):
    """``POST /v2/dataplane/register`` with ``Authorization: Bearer kdpr_…``."""

    authentication_classes: list[type] = []
    permission_classes = [AllowAny]
    # Anyone may call this, and a registration is a name, a hostname and a few labels.
    max_body_bytes = REGISTER_MAX_BODY_BYTES

    def post(self, request: Request) -> Response:
        scheme, _, secret = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not secret.strip():
            raise Unauthorized("expected 'Authorization: Bearer kdpr_…'")
        body = json_object(request)
        hostname = body.get("hostname", "")
        node, credential = node_service.register_node(
            secret.strip(),
            name=body.get("name") or hostname,
            hostname=hostname,
            labels=body.get("labels") or {},
            version=body.get("version", ""),
        )
        sync_url = f"{'wss' if request.is_secure() else 'ws'}://{request.get_host()}"
        return Response(
            {
                "node_id": str(node.pk),
                "control_plane_id": str(node.control_plane_id),
                "credential": credential,
                "sync_url": sync_url + protocol.SYNC_PATH,
            },
            status=201,
        )
