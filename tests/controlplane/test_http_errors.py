"""Errors raised outside DRF views: Kong's JSON body on API paths, plain pages elsewhere.

Django raises its request errors (a bad Host header, too many fields, a bad multipart body)
wherever the request is first read: in a middleware, a dashboard view, or a DRF view.
Whichever it is, the client gets a 4xx, never a 500.
"""

import json
from typing import Any

import pytest
from django.core.exceptions import (
    BadRequest,
    DisallowedHost,
    PermissionDenied,
    RequestDataTooBig,
    SuspiciousFileOperation,
    SuspiciousMultipartForm,
    SuspiciousOperation,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.http import Http404, UnreadablePostError
from django.http.multipartparser import MultiPartParserError
from django.test import Client, RequestFactory
from rest_framework.exceptions import ParseError, UnsupportedMediaType

from controlplane import http_errors
from controlplane.api.errors import as_kong_error
from controlplane.models import ControlPlane, User

FORM = "application/x-www-form-urlencoded"
TOO_MANY_FIELDS = "&".join(f"f{i}=1" for i in range(100_001))


def assert_kong_body(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, (response.status_code, response.content[:300])
    assert response["Content-Type"] == "application/json"
    body = json.loads(response.content)
    assert set(body) == {"code", "name", "message"}
    assert isinstance(body["message"], str) and body["message"]
    return dict(body)


def assert_plain_page(response: Any, status: int) -> None:
    assert response.status_code == status, (response.status_code, response.content[:300])
    assert response["Content-Type"].startswith("text/html")


@pytest.mark.parametrize(
    ("exception", "status"),
    [
        (RequestDataTooBig(), 413),
        (TooManyFieldsSent(), 400),
        (TooManyFilesSent(), 400),
        (DisallowedHost(), 400),
        (SuspiciousMultipartForm(), 400),
        (SuspiciousFileOperation(), 400),
        (SuspiciousOperation(), 400),
        (MultiPartParserError("Invalid boundary"), 400),
        (UnreadablePostError("connection reset"), 400),
        (BadRequest(), 400),
        (PermissionDenied(), 403),
        (Http404(), 404),
        (ParseError(), 400),
        (UnsupportedMediaType("text/plain"), 415),
    ],
    ids=lambda value: type(value).__name__ if isinstance(value, Exception) else str(value),
)
def test_every_request_error_is_a_kong_error_with_a_4xx_status(
    exception: Exception, status: int
) -> None:
    error = as_kong_error(exception)
    assert error is not None
    assert error.status == status
    assert set(error.body()) == {"code", "name", "message"}


def test_a_server_fault_is_not_mistaken_for_a_client_error() -> None:
    assert as_kong_error(RuntimeError("bug")) is None
    assert as_kong_error(OSError("disk full")) is None


def test_messages_do_not_echo_the_host_header_back() -> None:
    error = as_kong_error(DisallowedHost("Invalid HTTP_HOST header: '<script>'"))
    assert error is not None
    assert error.message == "invalid or disallowed Host header"


def test_too_many_form_fields_on_the_dashboard_is_a_plain_400(alice: User) -> None:
    client = Client()
    client.force_login(alice)
    assert_plain_page(client.post("/control-planes/", TOO_MANY_FIELDS, content_type=FORM), 400)


def test_too_many_query_parameters_on_the_dashboard_is_a_plain_400(
    alice: User, cp: ControlPlane
) -> None:
    client = Client()
    client.force_login(alice)
    response = client.get(f"/control-planes/{cp.pk}/nodes/?{TOO_MANY_FIELDS}")
    assert_plain_page(response, 400)


def test_a_dashboard_body_over_djangos_limit_is_a_plain_400(alice: User, settings: Any) -> None:
    # CsrfViewMiddleware reads request.POST before the view, so this fails in a middleware.
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    client = Client()
    client.force_login(alice)
    body = "name=" + "x" * 2000
    assert_plain_page(client.post("/control-planes/", body, content_type=FORM), 400)


def test_a_malformed_host_header_on_the_api_is_a_kong_error(db: Any) -> None:
    # CommonMiddleware reads the host before any view runs.
    response = Client().get("/v2/control-planes", HTTP_HOST="bad host!")
    assert assert_kong_body(response, 400)["message"] == "invalid or disallowed Host header"


def test_a_malformed_host_header_on_the_dashboard_is_a_plain_400(db: Any) -> None:
    assert_plain_page(Client().get("/accounts/login/", HTTP_HOST="bad host!"), 400)


def test_a_host_outside_allowed_hosts_is_a_kong_error(db: Any, settings: Any) -> None:
    settings.ALLOWED_HOSTS = ["cp.example.test"]
    assert_kong_body(Client().get("/v2/control-planes", HTTP_HOST="evil.test"), 400)
    response = Client().get("/v2/control-planes", HTTP_HOST="cp.example.test")
    assert response.status_code == 401


def test_an_unknown_api_path_is_kongs_404(db: Any) -> None:
    body = assert_kong_body(Client().get("/v2/no-such-thing"), 404)
    assert (body["code"], body["name"]) == (6, "not found")


def test_an_unknown_dashboard_path_is_the_dashboards_404_page(db: Any) -> None:
    assert_plain_page(Client().get("/no-such-page/"), 404)


def test_a_permission_error_outside_drf_is_kongs_403_on_the_api() -> None:
    request = RequestFactory().get("/v2/control-planes")
    body = assert_kong_body(http_errors.permission_denied(request, PermissionDenied()), 403)
    assert (body["code"], body["name"]) == (403, "forbidden")


def test_a_server_error_on_the_api_is_kongs_error_body() -> None:
    response = http_errors.server_error(RequestFactory().get("/v2/control-planes"))
    body = assert_kong_body(response, 500)
    assert body == {"code": 500, "name": "internal error", "message": body["message"]}


def test_a_server_error_on_the_dashboard_is_a_plain_page() -> None:
    assert_plain_page(http_errors.server_error(RequestFactory().get("/")), 500)
