"""``/v2/audit-logs``: the organization's audit log, newest first, for its admins."""

from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from controlplane import audit_log
from controlplane.api.base import OrgAPIView
from controlplane.api.permissions import IsOrgMember
from controlplane.api.schema import PAGE, QUERY, KongErrorSerializer, answers


class IsOrgAdmin(BasePermission):
    """Only admins read the audit log: it names every member and address."""

    message = "only organization admins may read the audit log"

    def has_permission(self, request: Request, view: Any) -> bool:
        membership = getattr(view, "membership", None)
        return membership is not None and membership.is_admin


class AuditActorSerializer(serializers.Serializer[Any]):
    kind = serializers.ChoiceField(choices=["user", "token", "system", "anonymous"])
    label = serializers.CharField(  # type: ignore[assignment]
        help_text="An email, or a token's name and display prefix."
    )


class AuditTargetSerializer(serializers.Serializer[Any]):
    type = serializers.CharField(allow_blank=True)
    id = serializers.CharField(allow_blank=True)
    label = serializers.CharField(allow_blank=True)  # type: ignore[assignment]


class AuditEventSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    actor = AuditActorSerializer()
    address = serializers.CharField(allow_blank=True)
    action = serializers.CharField(help_text="e.g. entity.create, declarative.sync, login.failed")
    target = AuditTargetSerializer()
    control_plane_id = serializers.UUIDField(allow_null=True)
    result = serializers.ChoiceField(choices=["ok", "refused"])
    status = serializers.IntegerField(allow_null=True)
    detail = serializers.DictField()


class AuditEventPageSerializer(serializers.Serializer[Any]):
    data = AuditEventSerializer(many=True)  # type: ignore[assignment]
    next = serializers.CharField(allow_null=True)


FILTERS = [
    OpenApiParameter(
        "action", str, QUERY, description="Exact, or a prefix ending in `.`; comma-separated."
    ),
    OpenApiParameter("actor", str, QUERY, description="Part of the actor's label."),
    OpenApiParameter("result", str, QUERY, enum=["ok", "refused"]),
    OpenApiParameter("control_plane", str, QUERY, description="A control plane's id."),
    OpenApiParameter("since", str, QUERY, description="ISO 8601; events at or after it."),
    OpenApiParameter("until", str, QUERY, description="ISO 8601; events before it."),
]


class AuditLogView(OrgAPIView):
    permission_classes = [IsAuthenticated, IsOrgMember, IsOrgAdmin]

    @extend_schema(
        responses={**answers("GET", AuditEventPageSerializer), 403: KongErrorSerializer},
        parameters=[*FILTERS, *PAGE],
    )
    def get(self, request: Request) -> Response:
        params = {name: request.query_params.get(name, "") for name in audit_log.FILTERS}
        rows = audit_log.events(self.org_membership.organization, params)
        page = audit_log.page(
            rows, request.query_params.get("size"), request.query_params.get("offset")
        )
        return Response(
            {
                "data": [audit_log.representation(event) for event in page.events],
                "next": _next_url(request, page.offset),
            }
        )


def _next_url(request: Request, offset: str | None) -> str | None:
    if offset is None:
        return None
    query = request.query_params.copy()
    query["offset"] = offset
    return f"{request.path}?{query.urlencode()}"
