"""The node's status: a thread-safe board, and an optional HTTP endpoint that shows it.

The sync loop and the apply thread write the board; the HTTP server's threads only read a copy.
Nothing on the HTTP side touches the store, so a slow or hostile client cannot stall syncing.
"""

from __future__ import annotations

import json
import logging
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from dataplane.store import Store
from dataplane.version import AGENT_VERSION

log = logging.getLogger(__name__)


class StatusBoard:
    """The latest status as a flat dict; every update replaces values, never mutates them."""

    def __init__(self, *, node_id: str, control_plane_id: str, name: str, sync_mode: str) -> None:
        self._lock = threading.Lock()
        self._status: dict[str, Any] = {
            "node_id": node_id,
            "control_plane_id": control_plane_id,
            "name": name,
            "version": 0,
            "hash": "",
            "sync_mode": sync_mode,
            "connected": False,
            "entity_counts": {},
            "last_sync": None,
            "agent_version": AGENT_VERSION,
        }

    def update(self, **fields: Any) -> None:
        with self._lock:
            self._status.update(fields)

    def show_store(self, store: Store) -> None:
        """Copy what the store holds; called after every apply, on the apply thread."""
        last_sync = store.last_sync.as_dict() if store.last_sync else None
        self.update(
            version=store.version,
            hash=store.config_hash,
            entity_counts=store.entity_counts(),
            last_sync=last_sync,
        )

    def snapshot(self) -> dict[str, Any]:
        with self._lock:
            return dict(self._status)


def parse_listen(value: str) -> tuple[str, int]:
    """``"127.0.0.1:8100"``, ``"[::1]:0"`` or ``":8100"`` (all interfaces) -> (host, port)."""
    host, sep, port = value.rpartition(":")
    if not sep or not port.isdigit() or int(port) > 65535:
        raise ValueError(f"expected HOST:PORT, got {value!r}")
    return host.strip("[]"), int(port)


class _Handler(BaseHTTPRequestHandler):
    server: _StatusHTTPServer

    def do_GET(self) -> None:  # http.server dispatches on this exact name
        if self.path.split("?", 1)[0] != "/status":
            self._send(404, {"message": "Not found"})
            return
        self._send(200, self.server.board.snapshot())

    def _send(self, status: int, body: dict[str, Any]) -> None:
        payload = json.dumps(body, indent=2, sort_keys=True).encode() + b"\n"
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format: str, *args: Any) -> None:
        log.debug("status %s - %s", self.address_string(), format % args)


class _StatusHTTPServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], board: StatusBoard) -> None:
        # An IPv6 literal needs an IPv6 socket; the stdlib server assumes IPv4.
        self.address_family = socket.AF_INET6 if ":" in address[0] else socket.AF_INET
        self.board = board
        super().__init__(address, _Handler)


class StatusServer:
    """``GET /status`` as JSON, served from a daemon thread."""

    def __init__(self, board: StatusBoard, host: str, port: int) -> None:
        self._httpd = _StatusHTTPServer((host, port), board)
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, name="konnectlite-dp-status", daemon=True
        )

    @property
    def address(self) -> tuple[str, int]:
        host, port = self._httpd.server_address[:2]
        return str(host), int(port)

    def start(self) -> None:
        self._thread.start()
        host, port = self.address
        shown = f"[{host}]" if ":" in host else host
        log.info("status endpoint listening on http://%s:%d/status", shown, port)

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
