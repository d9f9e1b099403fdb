"""Secure cookies and HSTS when served over HTTPS, and the CSP on every dashboard page."""

import re
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpResponse
from django.test import Client

from controlplane.models import ControlPlane, User
from konnectlite.settings import https_mode, proxy_ssl_header

ONE_YEAR = "max-age=31536000"


def sign_in(client: Client, **extra: Any) -> HttpResponse:
    return client.post(
        "/accounts/login/", {"username": "alice@acme.test", "password": "pw-alice"}, **extra
    )


def test_plain_http_cookies_are_not_secure_and_no_hsts_is_sent(alice: User) -> None:
    client = Client()
    page = client.get("/accounts/login/")
    assert not page.cookies["csrftoken"]["secure"]
    assert "Strict-Transport-Security" not in page
    response = sign_in(client)
    assert response.status_code == 302
    assert not response.cookies["sessionid"]["secure"]
    assert "Strict-Transport-Security" not in response


def test_over_https_cookies_are_secure_and_hsts_is_sent(alice: User) -> None:
    client = Client()
    page = client.get("/accounts/login/", secure=True)
    assert page.cookies["csrftoken"]["secure"] is True
    assert page["Strict-Transport-Security"] == ONE_YEAR
    response = sign_in(client, secure=True)
    assert response.status_code == 302
    assert response.cookies["sessionid"]["secure"] is True
    assert response["Strict-Transport-Security"] == ONE_YEAR


def test_behind_a_tls_proxy_its_header_makes_the_request_https(alice: User, settings: Any) -> None:
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    page = Client().get("/accounts/login/", HTTP_X_FORWARDED_PROTO="https")
    assert page.cookies["csrftoken"]["secure"] is True
    assert page["Strict-Transport-Security"] == ONE_YEAR
    plain = Client().get("/accounts/login/", HTTP_X_FORWARDED_PROTO="http")
    assert not plain.cookies["csrftoken"]["secure"]


def test_https_on_marks_cookies_secure_even_when_the_request_looks_plain(
    alice: User, settings: Any
) -> None:
    settings.KONNECTLITE_HTTPS = "on"
    page = Client().get("/accounts/login/")
    assert page.cookies["csrftoken"]["secure"] is True
    assert page["Strict-Transport-Security"] == ONE_YEAR


def test_https_off_never_marks_cookies_secure(alice: User, settings: Any) -> None:
    settings.KONNECTLITE_HTTPS = "off"
    page = Client().get("/accounts/login/", secure=True)
    assert not page.cookies["csrftoken"]["secure"]
    assert "Strict-Transport-Security" not in page


def test_hsts_seconds_follow_the_setting_and_zero_turns_it_off(alice: User, settings: Any) -> None:
    settings.KONNECTLITE_HSTS_SECONDS = 600
    assert Client().get("/accounts/login/", secure=True)["Strict-Transport-Security"] == (
        "max-age=600"
    )
    settings.KONNECTLITE_HSTS_SECONDS = 0
    assert "Strict-Transport-Security" not in Client().get("/accounts/login/", secure=True)


def test_the_https_setting_reads_auto_on_and_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("KONNECTLITE_HTTPS", raising=False)
    assert https_mode() == "auto"
    for value, mode in {"on": "on", "TRUE": "on", "off": "off", "false": "off"}.items():
        monkeypatch.setenv("KONNECTLITE_HTTPS", value)
        assert https_mode() == mode


def test_an_unknown_https_setting_stops_the_server_with_a_clear_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("KONNECTLITE_HTTPS", "sometimes")
    with pytest.raises(ImproperlyConfigured, match="KONNECTLITE_HTTPS must be auto, on or off"):
        https_mode()


def test_the_proxy_header_setting_becomes_djangos(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("KONNECTLITE_PROXY_SSL_HEADER", raising=False)
    assert proxy_ssl_header() is None
    monkeypatch.setenv("KONNECTLITE_PROXY_SSL_HEADER", "X-Forwarded-Proto")
    assert proxy_ssl_header() == ("HTTP_X_FORWARDED_PROTO", "https")
    monkeypatch.setenv("KONNECTLITE_PROXY_SSL_HEADER", "X-Forwarded-Ssl=on")
    assert proxy_ssl_header() == ("HTTP_X_FORWARDED_SSL", "on")


def dashboard_pages(cp: ControlPlane) -> list[str]:
    base = f"/control-planes/{cp.pk}"
    return [
        "/",
        f"{base}/",
        f"{base}/entities/services/",
        f"{base}/entities/services/new/",
        f"{base}/nodes/",
        f"{base}/nodes/add/",
        f"{base}/changes/",
        f"{base}/config/",
        "/tokens/",
        "/members/",
    ]


def test_every_dashboard_page_carries_a_csp_without_unsafe_inline(
    alice_client: Client, cp: ControlPlane
) -> None:
    pages = ["/accounts/login/", *dashboard_pages(cp)]
    for path in pages:
        response = Client().get(path) if path == pages[0] else alice_client.get(path)
        assert response.status_code == 200, path
        policy = response["Content-Security-Policy"]
        assert "script-src 'self'" in policy and "style-src 'self'" in policy, path
        assert "unsafe-inline" not in policy and "unsafe-eval" not in policy, path


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
INLINE_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.IGNORECASE)
INLINE_STYLE = re.compile(r"<style\b|<[^>]+\sstyle\s*=", re.IGNORECASE)
EVAL_TRIGGER = re.compile(r"hx-trigger=\"[^\"]*\[")


def test_dashboard_pages_hold_nothing_the_csp_would_block(
    alice_client: Client, cp: ControlPlane, make_node: Any
) -> None:
    make_node("dp-1")  # the control-plane list then draws its meters
    for path in dashboard_pages(cp):
        page = alice_client.get(path).content.decode()
        for pattern in (INLINE_SCRIPT, INLINE_HANDLER, INLINE_STYLE, EVAL_TRIGGER):
            assert not pattern.search(page), (path, pattern.search(page))
