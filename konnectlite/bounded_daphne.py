"""daphne, refusing a request body over its limit before buffering it.

Twisted reads a request's whole body (into a temporary file) before daphne sees the request,
and daphne then queues all of it for the application at once: a 1 GB POST used to cost the
server 1 GB of memory before anything could refuse it. Here the request counts its body's
bytes as they arrive, and answers 413 as soon as the declared length or the bytes received
pass the limit of the view the request is for (``konnectlite.bodies.body_limit``), and never
more than ``KONNECTLITE_MAX_BODY_BYTES``.

Import this module only in the server process: importing daphne installs twisted's asyncio
reactor.
"""

import daphne.server  # isort: skip  (first: it installs the reactor twisted must use)

import asyncio
import io
import os
from typing import Any
from urllib.parse import unquote

from daphne import http_protocol, ws_protocol
from daphne.cli import CommandLineInterface
from django.conf import settings

from konnectlite.bodies import body_limit, error_response, too_large

# After the 413, how long the client may keep sending (discarded) before it is cut off.
# Closing at once would make the kernel reset the connection over the unread bytes, and the
# client would see "connection reset" instead of the answer.
LINGER_SECONDS = 5.0


class BoundedWebRequest(http_protocol.WebRequest):
    """daphne's request, refusing a body over its limit as soon as that is known."""

    max_body_bytes: int = 64 * 1024 * 1024  # the server's limit; serve() sets it
    _limit = 0
    _received = 0
    _refused = False
    _linger: asyncio.TimerHandle | None = None

    def gotLength(self, length: int | None) -> None:
        if length != 0:
            self._limit = min(body_limit(self._target_path()), self.max_body_bytes)
        if length is not None and length > self._limit:
            self.content = io.BytesIO()  # twisted closes it on disconnect; nothing is written
            self._refuse()
            return
        super().gotLength(length)

    def handleContentChunk(self, data: bytes) -> None:
        if self._refused:
            return
        self._received += len(data)
        if self._received > self._limit:
            self._refuse()
            return
        super().handleContentChunk(data)

    def requestReceived(self, command: bytes, path: bytes, version: bytes) -> None:
        # A refused request whose body still arrived in full is never run.
        if not self._refused:
            super().requestReceived(command, path, version)

    def connectionLost(self, reason: Any) -> None:
        if self._linger is not None:
            self._linger.cancel()
        super().connectionLost(reason)

    def _target_path(self) -> str:
        # twisted sets self.path only once the body is in; its channel has the request line's.
        target = bytes(getattr(self.channel, "_path", b"/"))
        return unquote(target.split(b"?", 1)[0].decode("ascii", "replace"))

    def _refuse(self) -> None:
        self._refused = True
        # twisted answers "100 Continue" after gotLength; the client must not send the body.
        self.requestHeaders.removeHeader(b"Expect")
        self.transport.write(too_large_response(self._target_path(), self._limit))
        # Half-close: the client reads the 413 and the end of the stream, while what it still
        # sends is read and dropped, until it stops or the linger time is up.
        close_writing = getattr(self.transport, "loseWriteConnection", None)
        (close_writing or self.transport.loseConnection)()
        # daphne runs twisted on asyncio's loop, so this is the reactor's own clock.
        loop = asyncio.get_running_loop()
        self._linger = loop.call_later(LINGER_SECONDS, self.transport.abortConnection)


class BoundedHTTPFactory(http_protocol.HTTPFactory):
    def buildProtocol(self, addr: Any) -> Any:
        protocol = super().buildProtocol(addr)
        protocol.requestFactory = BoundedWebRequest
        return protocol


class ClosingWebSocketFactory(ws_protocol.WebSocketFactory):
    """daphne's WebSocket factory, closing with a code where autobahn would drop the socket.

    By default autobahn fails a connection (a message over the size limit, a protocol
    violation) by dropping TCP, and the peer cannot tell why. With ``failByDrop`` off it sends
    a close frame first: 1009 for a message over ``MAX_MESSAGE_BYTES`` (docs/sync-protocol.md).
    """

    def setProtocolOptions(self, **options: Any) -> None:
        super().setProtocolOptions(failByDrop=False, **options)


def too_large_response(path: str, limit: int) -> bytes:
    """A whole HTTP response: 413 in the path's error format, closing the connection."""
    headers, body = error_response(path, too_large(limit))
    lines = [b"HTTP/1.1 413 Payload Too Large"]
    lines += [name + b": " + value for name, value in headers] + [b"connection: close"]
    return b"\r\n".join(lines) + b"\r\n\r\n" + body


def serve(daphne_arguments: list[str]) -> None:
    """Run daphne's command line with ``daphne_arguments``, bounding every request body."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "konnectlite.settings")
    BoundedWebRequest.max_body_bytes = int(settings.KONNECTLITE_MAX_BODY_BYTES)
    # daphne's Server.run builds its factory from this module-level name; it has no hook.
    daphne.server.HTTPFactory = BoundedHTTPFactory
    daphne.server.WebSocketFactory = ClosingWebSocketFactory
    CommandLineInterface().run(daphne_arguments)
