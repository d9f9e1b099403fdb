"""Registering a node: trade a one-time registration token for a node credential.

Plain urllib on purpose: registration happens once per node, and the agent should not need an
HTTP client library for it.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any

from dataplane.version import AGENT_VERSION
from kongcore import protocol

TIMEOUT_SECONDS = 15.0


class RegistrationError(Exception):
    """The control plane refused the registration, or could not be reached.

    ``message`` is fit to show an operator: it is the control plane's own Kong-style message
    when there is one.
    """

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


@dataclass(frozen=True)
class Registration:
    node_id: str
    control_plane_id: str
    credential: str
    sync_url: str


def register_node(
    server: str, token: str, *, name: str, hostname: str, labels: dict[str, str]
) -> Registration:
    """POST the node's description to ``{server}/v2/dataplane/register`` and parse the answer.

    Raises RegistrationError for any non-201 answer, an unreachable server, or an answer that
    lacks the credential. The credential is returned, never logged.
    """
    body = {"name": name, "hostname": hostname, "labels": labels, "version": AGENT_VERSION}
    request = urllib.request.Request(
        server.rstrip("/") + protocol.REGISTER_PATH,
        data=json.dumps(body).encode(),
        method="POST",
        headers={
            "Authorization": f"Bearer {token}",
            "Content-Type": "application/json",
            "Accept": "application/json",
            "User-Agent": f"konnectlite-dp/{AGENT_VERSION}",
        },
    )
    status, answer = _send(request, server)
    if status != 201:
        raise RegistrationError(_error_message(status, answer), status)
    return _parse_registration(answer, server)


def _send(request: urllib.request.Request, server: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
            return int(response.status), response.read()
    except urllib.error.HTTPError as exc:
        # Error statuses are answers too: their Kong-style body says what went wrong.
        with exc:
            return exc.code, exc.read()
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise RegistrationError(f"cannot reach the control plane at {server}: {reason}") from None


def _error_message(status: int, answer: bytes) -> str:
    body = _json_object(answer)
    message = body.get("message") if body else None
    if isinstance(message, str) and message:
        return f"registration refused (HTTP {status}): {message}"
    return f"registration refused (HTTP {status})"


def _parse_registration(answer: bytes, server: str) -> Registration:
    body = _json_object(answer) or {}
    fields = ("node_id", "control_plane_id", "credential")
    if not all(isinstance(body.get(name), str) and body[name] for name in fields):
        raise RegistrationError("the control plane's answer lacks node_id or credential")
    sync_url = body.get("sync_url")
    return Registration(
        node_id=body["node_id"],
        control_plane_id=body["control_plane_id"],
        credential=body["credential"],
        sync_url=sync_url if isinstance(sync_url, str) and sync_url else default_sync_url(server),
    )


def default_sync_url(server: str) -> str:
    """The sync endpoint on the same host: http -> ws, https -> wss."""
    base = server.rstrip("/")
    if base.startswith("https://"):
        base = "wss://" + base.removeprefix("https://")
    elif base.startswith("http://"):
        base = "ws://" + base.removeprefix("http://")
    return base + protocol.SYNC_PATH


def _json_object(raw: bytes) -> dict[str, Any] | None:
    try:
        value = json.loads(raw)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None
