"""``POST /v2/control-planes/{id}/revert``: make the config what it was at a retained version.

The body is ``{"to_version": V}``. The answer is the diff, shaped as a decK sync's, with the
versions before and after and the resulting hash (version V's); ``?dry_run=true`` only
computes it. Organization admins only, dry runs included: a revert can undo anyone's work.
"""

from typing import Any

from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from controlplane.api.base import OrgAPIView, actor_label
from controlplane.api.bodies import json_object, optional_int, query_flag
from controlplane.api.permissions import IsOrgAdminForWrites, IsOrgMember
from controlplane.api.schema import DRY_RUN, DeclarativeDiffSerializer, documented
from controlplane.errors import SchemaViolationError
from controlplane.services.revert import revert_control_plane


class RevertRequestSerializer(serializers.Serializer[Any]):
    to_version = serializers.IntegerField(
        min_value=0,
        help_text="The version whose config to restore: the current one, or any from the one "
        "before the oldest still in the change log.",
    )


class RevertResultSerializer(DeclarativeDiffSerializer):
    message = serializers.CharField()
    from_version = serializers.IntegerField(help_text="The version before the revert.")
    to_version = serializers.IntegerField()
    config_hash = serializers.CharField(help_text="The config's hash after it: to_version's.")


REVERT_EXAMPLES = [OpenApiExample("revert", value={"to_version": 1}, request_only=True)]


class RevertView(OrgAPIView):
    """Revert the control plane's config to a retained version, as one new version."""

    permission_classes = [IsAuthenticated, IsOrgMember, IsOrgAdminForWrites]

    @extend_schema(
        **documented(
            "POST",
            RevertResultSerializer,
            status=200,
            request=RevertRequestSerializer,
            parameters=[DRY_RUN],
            examples=REVERT_EXAMPLES,
        )
    )
    def post(self, request: Request, cp_id: str) -> Response:
        to_version = optional_int(json_object(request), "to_version")
        if to_version is None:
            raise SchemaViolationError.single("to_version", "required field missing")
        result = revert_control_plane(
            self.control_plane(),
            to_version,
            actor=actor_label(request),
            dry_run=query_flag(request.query_params.get("dry_run"), "dry_run"),
        )
        return Response(result.as_dict())
