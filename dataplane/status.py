"""The node's status: a thread-safe board, and an optional HTTP endpoint that shows it.

The endpoint serves ``GET /status`` (JSON) and ``GET /metrics`` (Prometheus), both from the
board: its metrics follow the same updates.

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

from prometheus_client import CONTENT_TYPE_LATEST

from dataplane.metrics import AgentMetrics
from dataplane.store import Store
from dataplane.version import AGENT_VERSION

log = logging.getLogger(__name__)


class StatusBoard:
    """The latest status as a flat dict; every update replaces values, never mutates them."""

    def __init__(self, *, node_id: str, control_plane_id: str, name: str, sync_mode: str) -> None:
        self._lock = threading.Lock()
        self.metrics = AgentMetrics()
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
            was_connected = self._status["connected"]
            self._status.update(fields)
        if "connected" in fields and fields["connected"] != was_connected:
            self._show_connection(fields["connected"])

    def _show_connection(self, connected: bool) -> None:
        if connected:
            self.metrics.session_accepted()
        else:
            self.metrics.session_ended()

    def show_store(self, store: Store) -> None:
        """Copy what the store holds: at startup, and after every apply (``show_apply``)."""
        last_sync = store.last_sync.as_dict() if store.last_sync else None
        self.update(
            version=store.version,
            hash=store.config_hash,
            entity_counts=store.entity_counts(),
            last_sync=last_sync,
        )
        self.metrics.show_store(store)

    def show_apply(self, store: Store) -> None:
        """After each apply: the store as ``show_store``, and the apply's time."""
        self.show_store(store)
        if store.last_sync is not None:
            self.metrics.applied(store.last_sync)

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
        path = self.path.split("?", 1)[0]
        if path == "/status":
            self._send(200, self.server.board.snapshot())
        elif path == "/metrics":
            self._send_bytes(200, self.server.board.metrics.exposition(), CONTENT_TYPE_LATEST)
        else:
            self._send(404, {"message": "Not found"})

    def _send(self, status: int, body: dict[str, Any]) -> None:
        payload = json.dumps(body, indent=2, sort_keys=True).encode() + b"\n"
        self._send_bytes(status, payload, "application/json")

    def _send_bytes(self, status: int, payload: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
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
    """``GET /status`` as JSON and ``GET /metrics`` for Prometheus, from a daemon thread."""

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
