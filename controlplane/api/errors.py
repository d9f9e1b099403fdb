"""Renders every API error in Kong's shape: ``{code, name, message, fields}``."""

import logging
from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.http import Http404, HttpRequest, JsonResponse
from rest_framework import exceptions
from rest_framework.response import Response

from controlplane.errors import KongError, NotFound, PayloadTooLarge

logger = logging.getLogger(__name__)

_NAMES = {
    400: "bad request",
    401: "unauthorized",
    403: "forbidden",
    404: "not found",
    405: "method not allowed",
    406: "not acceptable",
    413: "payload too large",
    415: "unsupported media type",
    429: "too many requests",
}


def kong_exception_handler(exc: Exception, context: dict[str, Any]) -> Response:
    error = as_kong_error(exc)
    if error is None:
        logger.exception("unexpected error", exc_info=exc)
        return Response(
            {"code": 500, "name": "internal error", "message": "An unexpected error occurred"},
            status=500,
        )
    response = Response(error.body(), status=error.status)
    if isinstance(exc, exceptions.NotAuthenticated | exceptions.AuthenticationFailed):
        response["WWW-Authenticate"] = "Bearer"
    return response


def as_kong_error(exc: Exception) -> KongError | None:
    if isinstance(exc, KongError):
        return exc
    if isinstance(exc, Http404 | exceptions.NotFound):
        return NotFound()
    if isinstance(exc, RequestDataTooBig):
        return PayloadTooLarge("request body exceeds the size limit")
    if isinstance(exc, exceptions.APIException):
        return _from_drf(exc)
    return None


def _from_drf(exc: exceptions.APIException) -> KongError:
    status = exc.status_code
    if status == 401 or isinstance(exc, exceptions.NotAuthenticated):
        status = 401
    error = KongError(_message(exc.detail))
    error.status = status
    error.code = status
    error.name = _NAMES.get(status, "error")
    return error


def _message(detail: Any) -> str:
    if isinstance(detail, list):
        return "; ".join(_message(d) for d in detail)
    if isinstance(detail, dict):
        return "; ".join(f"{k}: {_message(v)}" for k, v in detail.items())
    return str(detail)


def json_not_found(request: HttpRequest, exception: Exception | None = None) -> JsonResponse:
    return JsonResponse(NotFound().body(), status=404)


def json_server_error(request: HttpRequest) -> JsonResponse:
    body = {"code": 500, "name": "internal error", "message": "An unexpected error occurred"}
    return JsonResponse(body, status=500)
