"""How the API describes itself in OpenAPI (drf-spectacular), at ``/v2/openapi.json``.

The views are plain ``APIView``s over Kong-shaped JSON, not serializers, so this schema
class documents bodies as free-form JSON objects, every error as Kong's error body, and
names each operation after its view, so that operation ids never collide.
"""

import re
from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import build_bearer_security_scheme_object
from drf_spectacular.types import OpenApiTypes
from rest_framework import serializers


class KongErrorSerializer(serializers.Serializer[Any]):
    """Kong's error body."""

    code = serializers.IntegerField()
    name = serializers.CharField()
    message = serializers.CharField()
    # DRF's metaclass moves declared fields off the class, so this does not shadow
    # Serializer.fields at runtime; mypy only sees the names clash.
    fields = serializers.JSONField(required=False)  # type: ignore[assignment]


class PersonalAccessTokenScheme(OpenApiAuthenticationExtension):
    target_class = "controlplane.api.authentication.PersonalAccessTokenAuthentication"
    name = "personalAccessToken"

    def get_security_definition(self, auto_schema: AutoSchema) -> dict[str, Any]:
        definition: dict[str, Any] = build_bearer_security_scheme_object(
            header_name="Authorization", token_prefix="Bearer"
        )
        definition["description"] = "A personal access token, `kpat_…`."
        return definition


_WRITES = ("POST", "PUT", "PATCH")


class KongAutoSchema(AutoSchema):
    def get_request_serializer(self) -> Any:
        return OpenApiTypes.OBJECT if self.method in _WRITES else None

    def get_response_serializers(self) -> Any:
        if self.method == "DELETE":
            success: dict[int, Any] = {204: None}
        elif self.method == "POST":
            success = {201: OpenApiTypes.OBJECT}
        else:
            success = {200: OpenApiTypes.OBJECT}
        errors = [400, 401, 404]
        if self.method != "GET":
            errors.append(403)
        if self.method in _WRITES:
            errors += [409, 413]
        return {**success, **dict.fromkeys(sorted(errors), KongErrorSerializer)}

    def get_operation_id(self) -> str:
        # EntityCollectionView + POST -> entity_collection_post
        view = re.sub(r"View$", "", type(self.view).__name__)
        return re.sub(r"(?<!^)(?=[A-Z])", "_", view).lower() + "_" + self.method.lower()

    def get_tags(self) -> list[str]:
        literals = [part for part in self._tokenize_path() if not part.startswith("{")]
        return literals[-1:] or ["api"]
