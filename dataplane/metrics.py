"""The agent's Prometheus metrics, served at ``/metrics`` by its status listener.

Each agent has its own registry, never prometheus-client's global one: a process (a test, or
a host running several agents) may hold more than one agent, and each answers for itself.
"""

from __future__ import annotations

import threading
import time

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest

from dataplane.store import Store, SyncRecord

# A one-entity delta applies in about a millisecond; a 30,000-entity snapshot in about a second.
APPLY_BUCKETS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)


class AgentMetrics:
    """Config version, hash age, apply time and reconnects of one agent."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self._lock = threading.Lock()
        self._applied_at: float | None = None
        self._sessions = 0
        self._last_applied: SyncRecord | None = None
        self.version = Gauge(
            "konnectlite_dp_config_version",
            "The config version the node runs.",
            registry=self.registry,
        )
        self.hash_age = Gauge(
            "konnectlite_dp_config_hash_age_seconds",
            "Seconds since the node's current config (version and hash) was applied.",
            registry=self.registry,
        )
        self.hash_age.set_function(self._seconds_since_apply)
        self.apply_time = Histogram(
            "konnectlite_dp_apply_seconds",
            "Time to decode, verify and apply a delta or snapshot.",
            ["type"],
            buckets=APPLY_BUCKETS,
            registry=self.registry,
        )
        self.reconnects = Counter(
            "konnectlite_dp_reconnects",
            "Times the control plane accepted the node again after an earlier session ended.",
            registry=self.registry,
        )
        self.connected = Gauge(
            "konnectlite_dp_connected",
            "1 while the control plane has accepted the node's session.",
            registry=self.registry,
        )

    def show_store(self, store: Store) -> None:
        """The version in force and when it was applied (kept across restarts by the store)."""
        self.version.set(store.version)
        with self._lock:
            self._applied_at = store.last_sync.at if store.last_sync else None

    def applied(self, record: SyncRecord) -> None:
        # When recording an apply's statistics failed, the store still shows the one before.
        if record is self._last_applied:
            return
        self._last_applied = record
        self.apply_time.labels(record.type).observe(record.apply_ms / 1000)

    def session_accepted(self) -> None:
        with self._lock:
            self._sessions += 1
            again = self._sessions > 1
        if again:
            self.reconnects.inc()
        self.connected.set(1)

    def session_ended(self) -> None:
        self.connected.set(0)

    def exposition(self) -> bytes:
        return generate_latest(self.registry)

    def _seconds_since_apply(self) -> float:
        with self._lock:
            applied_at = self._applied_at
        # Unknown, not zero, before the first apply: "fresh" would be a lie.
        return max(0.0, time.time() - applied_at) if applied_at is not None else float("nan")
