"""Renders every API error in Kong's shape: ``{code, name, message, fields}``.

Two callers: DRF's exception handler, for errors raised in a view, and Django's error
handlers (``konnectlite.urls``), for errors raised before any view runs, such as a malformed
Host header in a middleware. Both answer through ``as_kong_error``, so an error has one body
wherever it is raised.
"""

import logging
from typing import Any

from django.core.exceptions import (
    BadRequest,
    DisallowedHost,
    PermissionDenied,
    RequestDataTooBig,
    SuspiciousMultipartForm,
    SuspiciousOperation,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.http import Http404, HttpRequest, JsonResponse, UnreadablePostError
from django.http.multipartparser import MultiPartParserError
from rest_framework import exceptions
from rest_framework.response import Response

from controlplane.errors import KongError, NotFound

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

# Django's own request errors, most specific first. Each is the client's fault, so each is
# a 4xx; left to DRF they would be 500s. Messages are fixed, as Django's own may name
# settings or echo the Host header back.
_DJANGO_REQUEST_ERRORS: tuple[tuple[type[Exception], int, str], ...] = (
    (RequestDataTooBig, 413, "request body exceeds the size limit"),
    (TooManyFieldsSent, 400, "too many fields in the query string or form body"),
    (TooManyFilesSent, 400, "too many files in the multipart body"),
    (DisallowedHost, 400, "invalid or disallowed Host header"),
    (SuspiciousMultipartForm, 400, "malformed multipart body"),
    (MultiPartParserError, 400, "malformed multipart body"),
    (UnreadablePostError, 400, "the request body could not be read"),
    (SuspiciousOperation, 400, "bad request"),
    (BadRequest, 400, "bad request"),
    (PermissionDenied, 403, "you do not have permission to perform this action"),
)

INTERNAL_ERROR = {"code": 500, "name": "internal error", "message": "An unexpected error occurred"}


def kong_exception_handler(exc: Exception, context: dict[str, Any]) -> Response:
    error = as_kong_error(exc)
    if error is None:
        logger.exception("unexpected error", exc_info=exc)
        return Response(INTERNAL_ERROR, status=500)
    response = Response(error.body(), status=error.status)
    if isinstance(exc, exceptions.NotAuthenticated | exceptions.AuthenticationFailed):
        response["WWW-Authenticate"] = "Bearer"
    return response


def as_kong_error(exc: BaseException) -> KongError | None:
    """The Kong error a client sees for ``exc``; None for a server fault (a 500)."""
    if isinstance(exc, KongError):
        return exc
    if isinstance(exc, Http404 | exceptions.NotFound):
        return NotFound()
    for kind, status, message in _DJANGO_REQUEST_ERRORS:
        if isinstance(exc, kind):
            return http_error(status, message)
    if isinstance(exc, exceptions.APIException):
        return _from_drf(exc)
    return None


def http_error(status: int, message: str) -> KongError:
    """A Kong error for a plain HTTP status: Kong uses the status as the code."""
    error = KongError(message)
    error.status = status
    error.code = status
    error.name = _NAMES.get(status, "error")
    return error


def _from_drf(exc: exceptions.APIException) -> KongError:
    status = exc.status_code
    if status == 401 or isinstance(exc, exceptions.NotAuthenticated):
        status = 401
    return http_error(status, _message(exc.detail))


def _message(detail: Any) -> str:
    if isinstance(detail, list):
        return "; ".join(_message(d) for d in detail)
    if isinstance(detail, dict):
        return "; ".join(f"{k}: {_message(v)}" for k, v in detail.items())
    return str(detail)


def json_error(exception: BaseException | None, status: int) -> JsonResponse:
    """Kong's body for an error that reached Django's handlers; ``status`` if unrecognized."""
    error = as_kong_error(exception) if exception is not None else None
    if error is None:
        error = NotFound() if status == 404 else http_error(status, _NAMES.get(status, "error"))
    return JsonResponse(error.body(), status=error.status)


def json_server_error(request: HttpRequest) -> JsonResponse:
    return JsonResponse(INTERNAL_ERROR, status=500)
