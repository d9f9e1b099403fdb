"""What an acknowledged payload changes in the node's recorded state and sync history."""

from datetime import datetime
from typing import Any

from controlplane.models import DataPlaneNode, NodeSyncRecord
from controlplane.sync.node_state import writer as node_state
from controlplane.sync.session import Session
from kongcore import protocol


def record_ack(
    node: DataPlaneNode,
    session: Session,
    message: dict[str, Any],
    payload_type: protocol.PayloadType,
    commit_to_ack: float | None,
    now: datetime,
) -> None:
    """Count the payload on the session and queue the node's new state and history row.

    Nothing is written here: node_state batches the writes of every connection.
    """
    cp_id, node_id = str(node.control_plane_id), str(node.pk)
    counts = session.counters
    counts["total_wire_bytes"] += message["wire_bytes"]
    counts["total_raw_bytes"] += message["raw_bytes"]
    counts["delta_count" if payload_type == protocol.DELTA else "snapshot_count"] += 1
    node_state.update(
        cp_id,
        node_id,
        config_version=message["version"],
        config_hash=message["hash"][:64],
        last_payload={
            "type": payload_type,
            "wire_bytes": message["wire_bytes"],
            "raw_bytes": message["raw_bytes"],
            "version": message["version"],
        },
        last_apply_ms=float(message["apply_ms"]),
        last_commit_to_ack_ms=commit_to_ack,
        last_ping=now,
        last_ack_at=now,
        **_totals(node, session),
    )
    node_state.record(
        cp_id, node_id, _history_row(cp_id, node_id, message, payload_type, commit_to_ack, now)
    )


def _history_row(
    cp_id: str,
    node_id: str,
    message: dict[str, Any],
    payload_type: protocol.PayloadType,
    commit_to_ack: float | None,
    now: datetime,
) -> NodeSyncRecord:
    return NodeSyncRecord(
        node_id=node_id,
        control_plane_id=cp_id,
        at=now,
        payload_type=payload_type,
        version=message["version"],
        wire_bytes=message["wire_bytes"],
        raw_bytes=message["raw_bytes"],
        apply_ms=float(message["apply_ms"]),
        commit_to_ack_ms=commit_to_ack,
    )


def _totals(node: DataPlaneNode, session: Session) -> dict[str, int]:
    """The node's lifetime counters: the row's, as read at connect, plus this session's."""
    counts = session.counters
    return {
        "total_wire_bytes": node.total_wire_bytes + counts["total_wire_bytes"],
        "total_raw_bytes": node.total_raw_bytes + counts["total_raw_bytes"],
        "delta_count": node.delta_count + counts["delta_count"],
        "snapshot_count": node.snapshot_count + counts["snapshot_count"],
    }
