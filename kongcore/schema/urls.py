"""URL parsing for the services `url` shorthand and URL-typed plugin fields."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

DEFAULT_PORTS = {"http": 80, "https": 443}


def split_url(url: str) -> dict[str, Any]:
    """Split like LuaSocket's url.parse: scheme, host (brackets kept off), port, path."""
    parts = urlsplit(url if "//" in url else "//" + url)
    netloc = parts.netloc.rpartition("@")[2]
    host: str | None = netloc
    port: int | None = None
    if netloc.startswith("["):
        host, _, rest = netloc[1:].partition("]")
        port = _port(rest[1:]) if rest.startswith(":") else None
    elif ":" in netloc:
        host, _, raw_port = netloc.rpartition(":")
        port = _port(raw_port)
    return {
        "scheme": parts.scheme or None,
        "host": host or None,
        "port": port,
        "path": parts.path or None,
    }


def _port(text: str) -> int | None:
    return int(text) if text.isdigit() else None


def service_url_fields(url: str) -> dict[str, Any]:
    """Expand a service `url` into protocol/host/port/path as Kong's shorthand does."""
    parts = split_url(url)
    port = parts["port"]
    guessed = {80: "http", 443: "https"}.get(port) if port is not None else None
    protocol = parts["scheme"] or guessed or "http"
    if port is None:
        port = DEFAULT_PORTS.get(protocol, 80)
    return {"protocol": protocol, "host": parts["host"], "port": port, "path": parts["path"]}


def validate_url(url: str) -> str | None:
    try:
        parts = urlsplit(url)
    except ValueError as exc:
        return f"could not parse url. {exc}"
    if not parts.hostname:
        return "missing host in url"
    if not parts.scheme:
        return "missing scheme in url"
    return None
