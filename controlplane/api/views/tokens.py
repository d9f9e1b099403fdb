"""``/v2/personal-access-tokens``: the caller's own tokens in this organization."""

from drf_spectacular.utils import extend_schema
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from controlplane import queries, representations
from controlplane.access import get_personal_access_token
from controlplane.api.base import OrgAPIView, request_user
from controlplane.api.bodies import json_object, optional_int
from controlplane.api.permissions import IsOrgMember
from controlplane.api.schema import (
    PAGE,
    TokenPageSerializer,
    TokenSerializer,
    TokenWriteSerializer,
    documented,
)
from controlplane.errors import SchemaViolationError
from controlplane.models import PersonalAccessToken
from controlplane.services import tokens as token_service


class TokenCollectionView(OrgAPIView):
    # Every member may hold tokens; what a token may do is its user's role.
    permission_classes = [IsAuthenticated, IsOrgMember]

    @extend_schema(**documented("GET", TokenPageSerializer, parameters=PAGE))
    def get(self, request: Request) -> Response:
        rows = PersonalAccessToken.objects.filter(
            user=request_user(request), organization=self.org_membership.organization
        )
        batch, offset = queries.paginate_by(
            rows, "id", request.query_params.get("size"), request.query_params.get("offset")
        )
        return Response(
            {
                "data": [representations.personal_access_token(t) for t in batch],
                "next": f"{request.path}?offset={offset}" if offset else None,
            }
        )

    @extend_schema(**documented("POST", TokenSerializer, request=TokenWriteSerializer))
    def post(self, request: Request) -> Response:
        body = json_object(request)
        days = optional_int(body, "expires_in_days")
        name = body.get("name")
        if name is None:
            raise SchemaViolationError.single("name", "required field missing")
        if not isinstance(name, str):
            raise SchemaViolationError.single("name", "expected a string")
        token, secret = token_service.create_token(
            request_user(request), self.org_membership.organization, name=name, expires_in_days=days
        )
        return Response(
            {**representations.personal_access_token(token), "token": secret}, status=201
        )


class TokenItemView(OrgAPIView):
    permission_classes = [IsAuthenticated, IsOrgMember]

    def _token(self, token_id: str) -> PersonalAccessToken:
        return get_personal_access_token(self.org_membership, token_id)

    @extend_schema(**documented("GET", TokenSerializer))
    def get(self, request: Request, token_id: str) -> Response:
        return Response(representations.personal_access_token(self._token(token_id)))

    def delete(self, request: Request, token_id: str) -> Response:
        token_service.revoke_token(self._token(token_id))
        return Response(status=204)
