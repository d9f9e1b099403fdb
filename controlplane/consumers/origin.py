"""Who may open a WebSocket, judged by the handshake's ``Origin`` header.

A browser sends its page's Origin on every WebSocket handshake, and it sends the session
cookie whatever page opened the socket. So the dashboard's socket accepts only the site's own
origin (or a trusted one), never "any host" even when ``ALLOWED_HOSTS`` is ``*``; and the
data-plane sync socket, whose agents are not browsers and send no Origin, refuses any Origin.
"""

from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from channels.security.websocket import WebsocketDenier
from django.conf import settings
from django.http.request import split_domain_port, validate_host
from django.utils.http import is_same_domain

Scope = dict[str, Any]


class OriginGuard:
    """ASGI middleware: refuses the handshake (HTTP 403) unless ``allows(scope)``."""

    def __init__(self, application: Any, allows: Callable[[Scope], bool]) -> None:
        self.application = application
        self.allows = allows
        self.denier = WebsocketDenier.as_asgi()

    async def __call__(self, scope: Any, receive: Any, send: Any) -> Any:
        app = self.application if self.allows(scope) else self.denier
        return await app(scope, receive, send)


def header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key == name:
            return bytes(value).decode("latin-1")
    return None


def is_own_or_trusted_origin(scope: Scope) -> bool:
    """The Origin is this site's (same host as the request, an allowed host) or a trusted one.

    The rule is Django's CSRF origin check. Only the scheme is looser: behind a TLS-terminating
    proxy the socket arrives as ``ws`` from an ``https`` page, so a ``ws`` handshake accepts
    either scheme; a ``wss`` one needs an ``https`` page.
    """
    origin = header(scope, b"origin")
    if origin is None:
        return False
    if is_trusted_origin(origin):
        return True
    host = (header(scope, b"host") or "").lower()
    domain, _ = split_domain_port(host)
    if not domain or not validate_host(domain, settings.ALLOWED_HOSTS):
        return False
    parsed = urlsplit(origin.lower())
    schemes = {"https"} if scope.get("scheme") == "wss" else {"http", "https"}
    return parsed.scheme in schemes and parsed.netloc == host


def is_trusted_origin(origin: str) -> bool:
    """``origin`` is in CSRF_TRUSTED_ORIGINS, exactly or by a ``https://*.example.com`` entry."""
    trusted = settings.CSRF_TRUSTED_ORIGINS
    if origin in trusted:
        return True
    parsed = urlsplit(origin)
    for pattern in trusted:
        if "*" not in pattern:
            continue
        allowed = urlsplit(pattern)
        if allowed.scheme == parsed.scheme and is_same_domain(
            parsed.netloc, allowed.netloc.lstrip("*")
        ):
            return True
    return False


def has_no_origin(scope: Scope) -> bool:
    """Agents send no Origin; a handshake with one comes from a browser page."""
    return header(scope, b"origin") is None
