"""Response headers that depend on how the site is served: Secure cookies, HSTS and the CSP.

``KONNECTLITE_HTTPS=auto`` judges each request: one that arrived over TLS, or that the proxy
named in ``SECURE_PROXY_SSL_HEADER`` says was HTTPS, gets Secure cookies and HSTS; a plain
HTTP one (``make run`` on 127.0.0.1) gets neither, so the defaults keep working without TLS.
Django's own settings can only mark cookies Secure for every request or for none.
"""

from collections.abc import Callable
from typing import Any

from asgiref.sync import iscoroutinefunction
from django.conf import settings
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.utils.decorators import sync_and_async_middleware

# A response, or an awaitable of one under ASGI.
Handler = Callable[[HttpRequest], Any]


def is_served_over_https(request: HttpRequest) -> bool:
    mode = settings.KONNECTLITE_HTTPS
    return mode == "on" or (mode == "auto" and request.is_secure())


def add_security_headers(request: HttpRequest, response: HttpResponseBase) -> None:
    if settings.CONTENT_SECURITY_POLICY and "Content-Security-Policy" not in response:
        response["Content-Security-Policy"] = settings.CONTENT_SECURITY_POLICY
    if not is_served_over_https(request):
        return
    for cookie in response.cookies.values():
        cookie["secure"] = True
    if settings.KONNECTLITE_HSTS_SECONDS and "Strict-Transport-Security" not in response:
        response["Strict-Transport-Security"] = f"max-age={settings.KONNECTLITE_HSTS_SECONDS}"


@sync_and_async_middleware
def security_headers_middleware(get_response: Handler) -> Handler:
    # Both flavours, so that under daphne the request is not moved to a thread for this.
    if iscoroutinefunction(get_response):

        async def async_middleware(request: HttpRequest) -> HttpResponseBase:
            response: HttpResponseBase = await get_response(request)
            add_security_headers(request, response)
            return response

        return async_middleware

    def middleware(request: HttpRequest) -> HttpResponseBase:
        response: HttpResponseBase = get_response(request)
        add_security_headers(request, response)
        return response

    return middleware
