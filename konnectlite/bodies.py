"""Request bodies, bounded and framed, before Django sees them.

daphne hands a chunked body to the application without a Content-Length, and Django's and
DRF's parsers read a missing Content-Length as an empty body: a chunked PUT used to save
nulls. ``BoundedBodies`` sits in front of Django, reads the body as it streams in, refuses it
with 413 as soon as it passes its view's limit (or at once, when its declared length does),
and gives Django the body with its real Content-Length.

A view's limit is its ``max_body_bytes``: an attribute of the API view class
(``OrgAPIView`` and its subclasses), or set on a function view with ``@max_body_bytes(n)``.
Any other path gets the entity limit, ``KONNECTLITE_MAX_ENTITY_BODY_BYTES``. The server
(``konnectlite.bounded_daphne``) separately refuses any body over the largest limit,
``KONNECTLITE_MAX_BODY_BYTES``, before it buffers it.
"""

import json
from collections import deque
from collections.abc import Awaitable, Callable, Mapping
from typing import Any, TypeVar

from django.conf import settings
from django.urls import Resolver404, resolve

from controlplane.api.bodies import BadRequest
from controlplane.errors import KongError, PayloadTooLarge

Scope = dict[str, Any]
Message = Mapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]
View = TypeVar("View", bound=Callable[..., Any])

_FRAMING_HEADERS = (b"content-length", b"transfer-encoding")


def max_body_bytes(limit: int) -> Callable[[View], View]:
    """Let the function view accept bodies of up to ``limit`` bytes (the default is the
    entity limit). Works under ``login_required`` and ``require_POST``, which copy it."""

    def mark(view: View) -> View:
        view.max_body_bytes = limit  # type: ignore[attr-defined]
        return view

    return mark


def body_limit(path: str) -> int:
    """The largest body the view at ``path`` accepts, in bytes."""
    try:
        view = resolve(path).func
    except Resolver404:
        return int(settings.KONNECTLITE_MAX_ENTITY_BODY_BYTES)
    # DRF and Django class-based views keep their class on the function as_view() made.
    owner = getattr(view, "view_class", view)
    limit = getattr(owner, "max_body_bytes", None) or getattr(view, "max_body_bytes", None)
    return int(limit or settings.KONNECTLITE_MAX_ENTITY_BODY_BYTES)


class BodyTooLarge(Exception):
    pass


class ClientGone(Exception):
    pass


class BoundedBodies:
    """ASGI middleware for HTTP: enforce each view's body limit and frame the body for Django.

    The body is read before Django runs. Django's own handler does the same (it spools the
    whole body before any middleware), so no view sees a request any earlier than before.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = body_limit(scope["path"])
        try:
            declared = declared_length(scope)
            if declared is not None and declared > limit:
                raise BodyTooLarge()
            chunks = await read_body(receive, limit)
        except BodyTooLarge:
            await send_error(send, scope["path"], too_large(limit))
            return
        except KongError as error:
            await send_error(send, scope["path"], error)
            return
        except ClientGone:
            return
        size = sum(len(chunk) for chunk in chunks)
        await self.app(with_length(scope, size), replay(chunks, receive), send)


def declared_length(scope: Scope) -> int | None:
    """The request's Content-Length, or None when it has none (a chunked body)."""
    values = [value for name, value in scope["headers"] if name.lower() == b"content-length"]
    if not values:
        return None
    if len(values) > 1 or not values[0].strip().isdigit():
        raise BadRequest("the Content-Length header must be one non-negative integer")
    return int(values[0])


async def read_body(receive: Receive, limit: int) -> deque[bytes]:
    """The body's chunks, refused as soon as more than ``limit`` bytes have arrived."""
    chunks: deque[bytes] = deque()
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise ClientGone()
        chunk = bytes(message.get("body", b""))
        size += len(chunk)
        if size > limit:
            raise BodyTooLarge()
        if chunk:
            chunks.append(chunk)
        if not message.get("more_body", False):
            return chunks


def with_length(scope: Scope, size: int) -> Scope:
    """The scope with the body's real length as its only framing header."""
    headers = [(n, v) for n, v in scope["headers"] if n.lower() not in _FRAMING_HEADERS]
    headers.append((b"content-length", str(size).encode()))
    return {**scope, "headers": headers}


def replay(chunks: deque[bytes], receive: Receive) -> Receive:
    """A receive that hands out the body already read, then the client's later messages."""
    if not chunks:
        chunks.append(b"")  # Django waits for one body message, even an empty one

    async def next_message() -> Message:
        if chunks:
            chunk = chunks.popleft()  # freed as soon as Django has spooled it
            return {"type": "http.request", "body": chunk, "more_body": bool(chunks)}
        return await receive()

    return next_message


def too_large(limit: int) -> PayloadTooLarge:
    return PayloadTooLarge(f"request body exceeds the limit of {limit} bytes")


Headers = list[tuple[bytes, bytes]]


def error_response(path: str, error: KongError) -> tuple[Headers, bytes]:
    """Kong's error body on the API, a short page on the dashboard: headers and body."""
    if path.startswith("/v2/"):
        content_type = b"application/json"
        body = json.dumps(error.body(), separators=(",", ":")).encode()
    else:
        content_type, body = b"text/html; charset=utf-8", _page(error).encode()
    return [(b"content-type", content_type), (b"content-length", str(len(body)).encode())], body


async def send_error(send: Send, path: str, error: KongError) -> None:
    headers, body = error_response(path, error)
    await send({"type": "http.response.start", "status": error.status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def _page(error: KongError) -> str:
    title = "Request too large" if isinstance(error, PayloadTooLarge) else "Bad request"
    return (
        f"<!doctype html><title>{title}</title><h1>{error.status} {title}</h1>"
        f"<p>{error.message[:1].upper()}{error.message[1:]}, so nothing was saved.</p>"
    )
