"""The connect loop: stay connected to the control plane, reconnecting with backoff.

Every connection is a fresh Session that resumes from the stored version, so after an outage
only the missing deltas come (or a snapshot, if the control plane no longer has them). Close
codes 4401 and 4403, and an HTTP 401 or 403 on the upgrade, are final: retrying with a refused
credential cannot succeed, so the agent exits and an operator registers the node again.
"""

from __future__ import annotations

import asyncio
import logging
from concurrent.futures import Executor
from dataclasses import dataclass, field
from typing import Any

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import InvalidHandshake, InvalidStatus, InvalidURI

from dataplane.applier import Applier
from dataplane.backoff import Backoff
from dataplane.session import Session, SessionEnd
from dataplane.status import StatusBoard
from dataplane.version import AGENT_VERSION
from kongcore import protocol

log = logging.getLogger(__name__)

EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_CREDENTIAL_REFUSED = 3

_FINAL_CLOSE_CODES = {protocol.CLOSE_UNAUTHORIZED: "rejected", protocol.CLOSE_REVOKED: "revoked"}
# Some servers refuse before accepting the WebSocket; their HTTP status means the same.
_FINAL_HTTP_STATUSES = {401: protocol.CLOSE_UNAUTHORIZED, 403: protocol.CLOSE_REVOKED}


@dataclass(frozen=True)
class ClientSettings:
    sync_url: str
    credential: str
    node_id: str
    hostname: str
    sync_mode: protocol.SyncMode
    labels: dict[str, str] = field(default_factory=dict)
    open_timeout: float = 10.0


class SyncClient:
    """Runs sessions one after another until stopped or refused."""

    def __init__(
        self,
        settings: ClientSettings,
        *,
        applier: Applier,
        board: StatusBoard,
        worker: Executor,
        backoff: Backoff | None = None,
    ) -> None:
        self._settings = settings
        self._applier = applier
        self._board = board
        self._worker = worker
        self._backoff = backoff or Backoff()
        self._ws: ClientConnection | None = None

    async def run(self, stop: asyncio.Event) -> int:
        """Return EXIT_OK once ``stop`` is set, EXIT_CREDENTIAL_REFUSED on 4401/4403."""
        while True:
            attempt = asyncio.create_task(self._connect_once())
            if await _stopped_first(attempt, stop):
                await self._abandon(attempt)
                return EXIT_OK
            end = attempt.result()
            if end.code in _FINAL_CLOSE_CODES:
                _log_refusal(end.code, end.reason)
                return EXIT_CREDENTIAL_REFUSED
            if end.healthy:
                self._backoff.reset()
            delay = self._backoff.next_delay()
            log.info("reconnecting in %.2f s (attempt %d)", delay, self._backoff.attempt)
            if await _sleep_unless_stopped(delay, stop):
                return EXIT_OK

    async def _connect_once(self) -> SessionEnd:
        url = self._settings.sync_url
        try:
            async with connect(url, **self._connect_options()) as ws:
                self._ws = ws
                hello = self._hello()
                log.info("connected to %s; at version %d", url, hello["config_version"])
                session = Session(
                    ws, hello=hello, applier=self._applier, board=self._board, worker=self._worker
                )
                return await session.run()
        except InvalidURI:
            raise  # a broken node.json: no retry will fix it
        except InvalidStatus as exc:
            return _refused_upgrade(exc.response.status_code)
        except (OSError, TimeoutError, InvalidHandshake) as exc:
            log.warning("cannot connect to %s: %s", url, exc or type(exc).__name__)
            return SessionEnd(None, str(exc), welcomed=False, healthy=False)
        except Exception:
            # A bug in one session must not end the agent: log it, back off, start afresh.
            log.exception("sync session failed")
            return SessionEnd(None, "internal error", welcomed=False, healthy=False)
        finally:
            self._ws = None
            self._board.update(connected=False)

    def _connect_options(self) -> dict[str, Any]:
        return {
            "additional_headers": {"Authorization": f"Bearer {self._settings.credential}"},
            "user_agent_header": f"konnectlite-dp/{AGENT_VERSION}",
            "open_timeout": self._settings.open_timeout,
            "close_timeout": 5,
            "max_size": protocol.MAX_SERVER_FRAME_BYTES,
            # The app-level ping/pong is the documented liveness check; the library's own
            # pings would be a second, differently-timed one.
            "ping_interval": None,
            # Large messages arrive zlib-compressed already; permessage-deflate would only
            # compress them twice and hide their real size on the wire.
            "compression": None,
        }

    def _hello(self) -> dict[str, Any]:
        store, settings = self._applier.store, self._settings
        return protocol.hello(
            node_id=settings.node_id,
            hostname=settings.hostname,
            version=AGENT_VERSION,
            sync_mode=settings.sync_mode,
            config_version=store.version,
            config_hash=store.config_hash,
            labels=settings.labels,
        )

    async def _abandon(self, attempt: asyncio.Task[SessionEnd]) -> None:
        if self._ws is not None:
            await self._ws.close(protocol.CLOSE_GOING_AWAY, "node shutting down")
        attempt.cancel()
        await asyncio.gather(attempt, return_exceptions=True)


def _log_refusal(code: int, reason: str) -> None:
    log.error(
        "node credential %s (close code %d: %s); register again with `konnectlite-dp register`",
        _FINAL_CLOSE_CODES[code],
        code,
        reason or "no reason given",
    )


def _refused_upgrade(status: int) -> SessionEnd:
    log.warning("control plane refused the WebSocket upgrade: HTTP %d", status)
    return SessionEnd(_FINAL_HTTP_STATUSES.get(status), f"HTTP {status}", False, False)


async def _stopped_first(task: asyncio.Task[Any], stop: asyncio.Event) -> bool:
    stopper = asyncio.create_task(stop.wait())
    await asyncio.wait({task, stopper}, return_when=asyncio.FIRST_COMPLETED)
    stopper.cancel()
    return stop.is_set()


async def _sleep_unless_stopped(delay: float, stop: asyncio.Event) -> bool:
    try:
        await asyncio.wait_for(stop.wait(), delay)
    except TimeoutError:
        return False
    return True
