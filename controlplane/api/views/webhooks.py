"""``/v2/control-planes/{id}/webhooks``: where a control plane's alerts go, and how each fared.

Admins write; viewers read, never seeing a secret (only its prefix); the secret is in the
answer of the POST that created it (or the PATCH that changed it), never again. docs/webhooks.md
describes the events, the body and its signature.
"""

from typing import Any

from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from controlplane import representations
from controlplane.access import get_webhook
from controlplane.api.base import OrgAPIView
from controlplane.api.bodies import json_object
from controlplane.api.permissions import IsOrgAdminForWrites, IsOrgMember
from controlplane.api.schema import documented
from controlplane.errors import InvalidSize, SchemaViolationError
from controlplane.models import Webhook
from controlplane.models.webhooks import WEBHOOK_EVENTS
from controlplane.services import webhooks as webhook_service

DELIVERIES_SHOWN = 50
MAX_DELIVERIES_SHOWN = 500


class WebhookWriteSerializer(serializers.Serializer[Any]):
    url = serializers.URLField(help_text="An http:// or https:// URL that receives a POST.")
    events = serializers.ListField(child=serializers.ChoiceField(list(WEBHOOK_EVENTS)))
    secret = serializers.CharField(
        required=False,
        help_text="16 to 200 characters that sign each body; generated when absent.",
    )
    enabled = serializers.BooleanField(required=False, default=True)


class WebhookSerializer(serializers.Serializer[Any]):
    id = serializers.UUIDField()
    url = serializers.CharField()
    events = serializers.ListField(child=serializers.CharField())
    enabled = serializers.BooleanField()
    secret_prefix = serializers.CharField()
    secret = serializers.CharField(required=False, help_text="Only when created or changed.")
    created_at = serializers.DateTimeField()


class WebhookListSerializer(serializers.Serializer[Any]):
    data = WebhookSerializer(many=True)  # type: ignore[assignment]


class DeliverySerializer(serializers.Serializer[Any]):
    id = serializers.UUIDField()
    event = serializers.CharField()
    state = serializers.ChoiceField(["pending", "delivered", "failed"])
    attempts = serializers.IntegerField()
    status_code = serializers.IntegerField(allow_null=True)
    error = serializers.CharField(allow_blank=True)
    created_at = serializers.DateTimeField()
    delivered_at = serializers.DateTimeField(allow_null=True)
    next_attempt_at = serializers.DateTimeField(allow_null=True)
    payload = serializers.JSONField()


class DeliveryListSerializer(serializers.Serializer[Any]):
    data = DeliverySerializer(many=True)  # type: ignore[assignment]


EXAMPLE = OpenApiExample(
    "alerts",
    value={
        "url": "https://alerts.example.com/konnectlite",
        "events": ["node.out_of_sync", "node.offline", "node.back_in_sync"],
        "secret": "a-long-random-shared-secret",
    },
    request_only=True,
)


class WebhookCollectionView(OrgAPIView):
    permission_classes = [IsAuthenticated, IsOrgMember, IsOrgAdminForWrites]

    @extend_schema(**documented("GET", WebhookListSerializer))
    def get(self, request: Request, cp_id: str) -> Response:
        hooks = Webhook.objects.filter(control_plane=self.control_plane())
        return Response({"data": [representations.webhook(h) for h in hooks]})

    @extend_schema(
        **documented("POST", WebhookSerializer, request=WebhookWriteSerializer, examples=[EXAMPLE])
    )
    def post(self, request: Request, cp_id: str) -> Response:
        body = json_object(request)
        unknown = set(body) - {"url", "events", "secret", "enabled"}
        if unknown:
            raise SchemaViolationError.single(sorted(unknown)[0], "unknown field")
        hook = webhook_service.create_webhook(
            self.control_plane(),
            url=body.get("url"),
            events=body.get("events"),
            secret=body.get("secret"),
            enabled=body.get("enabled", True),
        )
        return Response(representations.webhook(hook, with_secret=True), status=201)


class WebhookItemView(OrgAPIView):
    permission_classes = [IsAuthenticated, IsOrgMember, IsOrgAdminForWrites]

    @extend_schema(**documented("GET", WebhookSerializer))
    def get(self, request: Request, cp_id: str, webhook_id: str) -> Response:
        return Response(representations.webhook(get_webhook(self.control_plane(), webhook_id)))

    @extend_schema(**documented("PATCH", WebhookSerializer, request=WebhookWriteSerializer))
    def patch(self, request: Request, cp_id: str, webhook_id: str) -> Response:
        hook = get_webhook(self.control_plane(), webhook_id)
        changes = json_object(request)
        hook = webhook_service.update_webhook(hook, changes)
        return Response(representations.webhook(hook, with_secret="secret" in changes))

    def delete(self, request: Request, cp_id: str, webhook_id: str) -> Response:
        webhook_service.delete_webhook(get_webhook(self.control_plane(), webhook_id))
        return Response(status=204)


class WebhookDeliveriesView(OrgAPIView):
    permission_classes = [IsAuthenticated, IsOrgMember, IsOrgAdminForWrites]

    @extend_schema(
        **documented(
            "GET",
            DeliveryListSerializer,
            parameters=[
                OpenApiParameter(
                    "size", int, description=f"1 to {MAX_DELIVERIES_SHOWN}; {DELIVERIES_SHOWN}"
                )
            ],
        )
    )
    def get(self, request: Request, cp_id: str, webhook_id: str) -> Response:
        """The newest deliveries first, with each one's state and last attempt's result."""
        hook = get_webhook(self.control_plane(), webhook_id)
        size = _size(request.query_params.get("size"))
        rows = hook.deliveries.order_by("-created_at", "id")[:size]
        return Response({"data": [representations.webhook_delivery(d) for d in rows]})


class WebhookTestView(OrgAPIView):
    permission_classes = [IsAuthenticated, IsOrgMember, IsOrgAdminForWrites]

    @extend_schema(**documented("POST", None, request=None, status=202))
    def post(self, request: Request, cp_id: str, webhook_id: str) -> Response:
        """Queue a ``webhook.test`` event to this webhook; see its delivery in the list."""
        webhook_service.send_test_event(get_webhook(self.control_plane(), webhook_id))
        return Response(status=202)


def _size(size: str | None) -> int:
    if not size:
        return DELIVERIES_SHOWN
    if not (size.isascii() and size.isdigit()) or not 1 <= int(size) <= MAX_DELIVERIES_SHOWN:
        raise InvalidSize(f"size must be a number from 1 to {MAX_DELIVERIES_SHOWN}")
    return int(size)
