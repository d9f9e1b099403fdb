"""``/v2/control-planes/{id}/declarative-config``: export (GET) and sync (POST) decK files.

GET answers YAML or JSON, chosen by ``?format=yaml|json`` or the Accept header (YAML, decK's
own default, when neither says). POST takes the file as the body (JSON or YAML content
types) or as the multipart field ``config`` and answers the diff as JSON;
``?dry_run=true`` only computes it. Errors are always Kong-shaped JSON.
"""

from typing import Any

from django.conf import settings
from django.http import QueryDict
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import parsers, renderers
from rest_framework.request import Request
from rest_framework.response import Response

from controlplane.api.base import OrgAPIView, actor_label
from controlplane.api.bodies import BadRequest, query_flag
from controlplane.api.schema import (
    DECK_EXAMPLES,
    DECK_FORMAT,
    DRY_RUN,
    DeclarativeDiffSerializer,
    documented,
)
from controlplane.declarative.export import render
from controlplane.services.declarative import (
    apply_declarative_config,
    export_declarative_config,
)

FORMATS = ("yaml", "json")


class DeckYAMLRenderer(renderers.BaseRenderer):
    media_type = "application/yaml"
    format = "yaml"
    charset = "utf-8"

    def render(
        self, data: Any, accepted_media_type: str | None = None, renderer_context: Any = None
    ) -> bytes:
        return render(data, "yaml").encode()


class DeckTextYAMLRenderer(DeckYAMLRenderer):
    media_type = "text/yaml"


class DeckJSONRenderer(renderers.BaseRenderer):
    """JSON as decK writes it: indented, keys sorted."""

    media_type = "application/json"
    format = "json"
    charset = "utf-8"

    def render(
        self, data: Any, accepted_media_type: str | None = None, renderer_context: Any = None
    ) -> bytes:
        return render(data, "json").encode()


class RawFileParser(parsers.BaseParser):
    """Hands the body over unparsed: the sync reads YAML and JSON itself, once."""

    media_type = "application/json"

    def parse(
        self, stream: Any, media_type: str | None = None, parser_context: Any = None
    ) -> Any:  # the raw bytes, which DRF hands on as request.data
        return stream.read() if stream is not None else b""


class YAMLFileParser(RawFileParser):
    media_type = "application/yaml"


class LegacyYAMLFileParser(RawFileParser):
    media_type = "application/x-yaml"


class TextYAMLFileParser(RawFileParser):
    media_type = "text/yaml"


class LegacyTextYAMLFileParser(RawFileParser):
    media_type = "text/x-yaml"


class DeclarativeConfigView(OrgAPIView):
    """Export the control plane's config as a decK file, or sync one onto it."""

    max_body_bytes = settings.KONNECTLITE_MAX_BODY_BYTES
    renderer_classes = [DeckYAMLRenderer, DeckTextYAMLRenderer, DeckJSONRenderer]
    parser_classes = [
        RawFileParser,
        YAMLFileParser,
        LegacyYAMLFileParser,
        TextYAMLFileParser,
        LegacyTextYAMLFileParser,
        parsers.MultiPartParser,
    ]

    @extend_schema(**documented("GET", OpenApiTypes.OBJECT, parameters=[DECK_FORMAT]))
    def get(self, request: Request, cp_id: str) -> Response:
        return Response(export_declarative_config(self.control_plane()))

    @extend_schema(
        **documented(
            "POST",
            DeclarativeDiffSerializer,
            status=200,
            parameters=[DRY_RUN],
            examples=DECK_EXAMPLES,
        )
    )
    def post(self, request: Request, cp_id: str) -> Response:
        diff = apply_declarative_config(
            self.control_plane(),
            _uploaded(request),
            actor=actor_label(request),
            dry_run=query_flag(request.query_params.get("dry_run"), "dry_run"),
        )
        return Response(diff.as_dict())

    def perform_content_negotiation(self, request: Request, force: bool = False) -> Any:
        if request.method != "GET":
            return renderers.JSONRenderer(), "application/json"
        fmt = request.query_params.get("format")
        if fmt is None:
            return super().perform_content_negotiation(request, force)
        if fmt not in FORMATS:
            request.accepted_renderer = renderers.JSONRenderer()
            raise BadRequest(f"format must be one of: {', '.join(FORMATS)}")
        renderer = DeckJSONRenderer() if fmt == "json" else DeckYAMLRenderer()
        return renderer, renderer.media_type

    def handle_exception(self, exc: Exception) -> Response:
        # Errors are Kong's JSON body whatever format the file was asked in.
        self.request.accepted_renderer = renderers.JSONRenderer()
        self.request.accepted_media_type = "application/json"
        return super().handle_exception(exc)


def _uploaded(request: Request) -> bytes | str:
    data = request.data
    if not isinstance(data, QueryDict):
        return data if isinstance(data, bytes | str) else b""
    upload = request.FILES.get("config")
    if upload is not None:
        return upload.read()
    if "config" in data:
        return str(data["config"])
    raise BadRequest("a multipart body must carry the decK file in the field 'config'")
