"""Wiring for ``konnectlite-dp run``: store, events, cache, plugins, status and the sync loop.

Startup order matters: the stored config is loaded and shown at /status before the first
connection attempt, so a node whose control plane is unreachable still serves what it had.
"""

from __future__ import annotations

import asyncio
import logging
import signal
import socket
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType

from dataplane import config
from dataplane.applier import Applier
from dataplane.cache import Cache
from dataplane.client import ClientSettings, SyncClient
from dataplane.events import Events
from dataplane.plugins import LoadedPlugin, load_plugins
from dataplane.status import StatusBoard, StatusServer
from dataplane.store import Store
from kongcore.protocol import SyncMode

log = logging.getLogger(__name__)

STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)
_stop_requested = threading.Event()


@dataclass(frozen=True)
class RunOptions:
    data_dir: Path
    sync_mode: SyncMode
    plugins: list[str] = field(default_factory=list)
    status_listen: tuple[str, int] | None = None


class Agent:
    """One running node. Build it with ``Agent.open``; always ``close`` it."""

    def __init__(self, identity: config.NodeIdentity, store: Store, options: RunOptions) -> None:
        self.identity = identity
        self.store = store
        self.events = Events()
        self.cache = Cache()
        self.board = StatusBoard(
            node_id=identity.node_id,
            control_plane_id=identity.control_plane_id,
            name=identity.name,
            sync_mode=options.sync_mode,
        )
        self.board.show_store(store)
        self.applier = Applier(store, self.events, self.cache, after_apply=self.board.show_apply)
        # One thread applies everything, in order, off the event loop.
        self.worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="konnectlite-dp-apply")
        self.plugins: list[LoadedPlugin] = []
        self.status_server: StatusServer | None = None
        self._options = options

    @classmethod
    def open(cls, options: RunOptions) -> Agent:
        """Load the registration and the stored config; raises NotRegistered or StoreError."""
        identity = config.load_identity(options.data_dir)
        store = Store.open(options.data_dir / config.STORE_FILE)
        if store.control_plane_id and store.control_plane_id != identity.control_plane_id:
            log.warning(
                "stored config belongs to control plane %s, but the node is registered with %s; "
                "discarding it",
                store.control_plane_id,
                identity.control_plane_id,
            )
            store.reset(identity.control_plane_id)
        log.info(
            "stored config: version %d, hash %s, %d entities",
            store.version,
            store.config_hash,
            sum(store.entity_counts().values()),
        )
        return cls(identity, store, options)

    def start(self) -> None:
        """Load plugins and start the status endpoint (raises PluginError, OSError)."""
        self.plugins = load_plugins(
            self._options.plugins,
            events=self.events,
            cache=self.cache,
            store=self.store,
            node_id=self.identity.node_id,
        )
        if self._options.status_listen is not None:
            host, port = self._options.status_listen
            self.status_server = StatusServer(self.board, host, port)
            self.status_server.start()

    def run(self, credential: str) -> int:
        """Sync until SIGTERM/SIGINT (exit 0) or until the credential is refused."""
        return asyncio.run(self._serve(self._client(credential)))

    def close(self) -> None:
        # Let an apply in progress finish: its transaction commits or rolls back, never half.
        self.worker.shutdown(wait=True)
        if self.status_server is not None:
            self.status_server.stop()
        self.store.close()

    def _client(self, credential: str) -> SyncClient:
        settings = ClientSettings(
            sync_url=self.identity.sync_url,
            credential=credential,
            node_id=self.identity.node_id,
            hostname=socket.gethostname(),
            sync_mode=self._options.sync_mode,
            labels=self.identity.labels,
        )
        return SyncClient(settings, applier=self.applier, board=self.board, worker=self.worker)

    async def _serve(self, client: SyncClient) -> int:
        stop = asyncio.Event()
        if _stop_requested.is_set():
            stop.set()
        loop = asyncio.get_running_loop()
        for signum in STOP_SIGNALS:
            loop.add_signal_handler(signum, _request_stop, stop, signum)
        try:
            status = await client.run(stop)
            log.info("stopped (exit status %d)", status)
            return status
        finally:
            for signum in STOP_SIGNALS:
                loop.remove_signal_handler(signum)


def catch_stop_signals() -> None:
    """Remember SIGTERM/SIGINT that arrive before the event loop runs, instead of dying.

    Startup (loading a large store, importing plugins) takes a moment; a supervisor that stops
    the node during it should still see a clean exit 0.
    """
    for signum in STOP_SIGNALS:
        signal.signal(signum, _remember_stop)


def _remember_stop(signum: int, frame: FrameType | None) -> None:
    log.info("%s received during startup; stopping once started", signal.Signals(signum).name)
    _stop_requested.set()


def _request_stop(stop: asyncio.Event, signum: int) -> None:
    log.info("%s received; shutting down", signal.Signals(signum).name)
    stop.set()
