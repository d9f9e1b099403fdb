"""The control plane's Prometheus metrics of events: every metric object lives here.

They are updated where things happen (the change-log writer, the sync consumer, webhooks)
and cost a counter increment there. Labels are the control plane's id and, where it matters,
the payload type: never a node, so a fleet of any size adds no series. What is database
state (config versions, nodes by status) is read at scrape time instead (controlplane.monitoring).

With ``PROMETHEUS_MULTIPROC_DIR`` set before the process starts, prometheus-client keeps these
values in files of that directory, and the scrape adds up every process's files.
"""

import atexit
import os

from prometheus_client import Counter, Gauge, Histogram, multiprocess

from kongcore import protocol

CONTROL_PLANE = "control_plane"
# Commit-to-ack spans a fast delta (milliseconds) and a large snapshot to a slow node (seconds).
ACK_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)

VERSIONS_COMMITTED = Counter(
    "konnectlite_versions_committed",
    "Config versions committed, one per write.",
    [CONTROL_PLANE],
)
PAYLOADS_SENT = Counter(
    "konnectlite_payloads_sent",
    "Deltas and snapshots sent to nodes.",
    [CONTROL_PLANE, "type"],
)
PAYLOAD_BYTES_SENT = Counter(
    "konnectlite_payload_bytes_sent",
    "Bytes on the wire of the deltas and snapshots sent to nodes.",
    [CONTROL_PLANE, "type"],
)
NACKS = Counter(
    "konnectlite_nacks",
    "Payloads that nodes refused (nack).",
    [CONTROL_PLANE],
)
COMMIT_TO_ACK = Histogram(
    "konnectlite_commit_to_ack_seconds",
    "From a version's commit to a node's ack of it.",
    [CONTROL_PLANE, "type"],
    buckets=ACK_BUCKETS,
)
WEBSOCKET_CONNECTIONS = Gauge(
    "konnectlite_websocket_connections",
    "Node sync connections open now.",
    [CONTROL_PLANE],
    # Summed over the live processes: a stopped process's connections are gone with it.
    multiprocess_mode="livesum",
)
WEBHOOK_FAILURES = Counter(
    "konnectlite_webhook_failures",
    "Webhook deliveries that failed (each attempt, retries included).",
    [CONTROL_PLANE],
)


def version_committed(control_plane_id: str) -> None:
    VERSIONS_COMMITTED.labels(control_plane_id).inc()


def payload_sent(
    control_plane_id: str, payload_type: protocol.PayloadType, wire_bytes: int
) -> None:
    PAYLOADS_SENT.labels(control_plane_id, payload_type).inc()
    PAYLOAD_BYTES_SENT.labels(control_plane_id, payload_type).inc(wire_bytes)


def nacked(control_plane_id: str) -> None:
    NACKS.labels(control_plane_id).inc()


def acked(
    control_plane_id: str, payload_type: protocol.PayloadType, commit_to_ack_ms: float | None
) -> None:
    if commit_to_ack_ms is not None:
        COMMIT_TO_ACK.labels(control_plane_id, payload_type).observe(commit_to_ack_ms / 1000)


def connection_opened(control_plane_id: str) -> None:
    WEBSOCKET_CONNECTIONS.labels(control_plane_id).inc()


def connection_closed(control_plane_id: str) -> None:
    WEBSOCKET_CONNECTIONS.labels(control_plane_id).dec()


def webhook_failed(control_plane_id: str) -> None:
    """For the webhook sender: one failed delivery attempt."""
    WEBHOOK_FAILURES.labels(control_plane_id).inc()


def _forget_live_gauges() -> None:
    # A "livesum" gauge counts a process until its files are marked dead; a clean exit does it.
    multiprocess.mark_process_dead(os.getpid())


if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    atexit.register(_forget_live_gauges)
