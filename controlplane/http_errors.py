"""Django's error handlers, for errors no DRF view rendered: Kong's JSON on API paths.

Django answers its own request errors (a malformed Host header, too many form fields, a bad
multipart body), raised in a middleware or a dashboard view, through ``handler400``; Http404
and PermissionDenied through ``handler404`` and ``handler403``. API clients get Kong's error
body from each; the dashboard keeps Django's plain pages (and its own 403/404/500 templates).
"""

from django.http import HttpRequest, HttpResponse
from django.views import defaults

from controlplane.api.errors import json_error, json_server_error

API_PREFIX = "/v2/"


def is_api_request(request: HttpRequest) -> bool:
    return request.path.startswith(API_PREFIX)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    if is_api_request(request):
        return json_error(exception, 400)
    return defaults.bad_request(request, exception)


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    if is_api_request(request):
        return json_error(exception, 403)
    return defaults.permission_denied(request, exception)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    if is_api_request(request):
        return json_error(exception, 404)
    return defaults.page_not_found(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    if is_api_request(request):
        return json_server_error(request)
    return defaults.server_error(request)
