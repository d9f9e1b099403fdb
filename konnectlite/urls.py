from django.http import HttpRequest, HttpResponse
from django.urls import include, path
from django.views import defaults

from controlplane.api.errors import json_not_found, json_server_error

urlpatterns = [
    path("", include("controlplane.api.urls")),
    path("", include("controlplane.dashboard.urls")),
]


def handler404(request: HttpRequest, exception: Exception) -> HttpResponse:
    if request.path.startswith("/v2/"):
        return json_not_found(request, exception)
    return defaults.page_not_found(request, exception)


def handler500(request: HttpRequest) -> HttpResponse:
    if request.path.startswith("/v2/"):
        return json_server_error(request)
    return defaults.server_error(request)
