"""Every channel-layer message the control plane sends, built in one place.

Each event is a small JSON-serializable dict typed ``"<app>.<event>"``; a consumer handles it
in the method named after the type (``sync.version`` -> ``sync_version``). Two groups exist
per control plane: the sync group that data-plane connections join, and the live group that
dashboards (and anything else watching node state) join. Each node also has a group of its own,
joined only by its connections, for events about that one node.
"""

from typing import Any

from kongcore.protocol import SyncMode

# A delta frame at most this large rides inside the event itself, so that delivering it to an
# up-to-date node needs no database query. Larger ones are read once per process instead.
INLINE_FRAME_LIMIT = 256 * 1024


def sync_group(control_plane_id: object) -> str:
    return f"sync.{control_plane_id}"


def node_group(node_id: object) -> str:
    """Every connection of one node (normally one; two while a newer one replaces it)."""
    return f"sync.node.{node_id}"


def live_group(control_plane_id: object) -> str:
    return f"live.{control_plane_id}"


def sync_version(
    *,
    control_plane_id: str,
    version: int,
    config_hash: str,
    committed_at: float,
    sync_mode: SyncMode,
    revocation_epoch: int,
    frame: str | bytes | None,
    raw_bytes: int,
) -> dict[str, Any]:
    """A new version was committed; ``frame`` is its encoded delta message, or None if large.

    ``revocation_epoch`` counts the revocations committed before it: a connection checks its
    node against them before delivering the version.
    """
    return {
        "type": "sync.version",
        "control_plane_id": control_plane_id,
        "version": version,
        "hash": config_hash,
        "committed_at": committed_at,
        "sync_mode": sync_mode,
        "revocation_epoch": revocation_epoch,
        "frame": frame,
        "raw_bytes": raw_bytes,
    }


def sync_settings(*, control_plane_id: str, sync_mode: SyncMode) -> dict[str, Any]:
    """The control plane's sync mode changed; connections re-evaluate their own."""
    return {"type": "sync.settings", "control_plane_id": control_plane_id, "sync_mode": sync_mode}


def sync_revoke(*, control_plane_id: str, node_id: str | None) -> dict[str, Any]:
    """Disconnect one node (or, with node_id None, every node of a deleted control plane)."""
    return {"type": "sync.revoke", "control_plane_id": control_plane_id, "node_id": node_id}


def sync_connected(
    *, control_plane_id: str, node_id: str, channel_name: str, connected_at: float
) -> dict[str, Any]:
    """A node opened a connection; any older connection of the same node steps aside."""
    return {
        "type": "sync.connected",
        "control_plane_id": control_plane_id,
        "node_id": node_id,
        "channel_name": channel_name,
        "connected_at": connected_at,
    }


def live_node(*, control_plane_id: str, node: dict[str, Any]) -> dict[str, Any]:
    """A node's state changed; ``node`` is its API representation."""
    return {"type": "live.node", "control_plane_id": control_plane_id, "node": node}


def live_version(*, control_plane_id: str, version: int, config_hash: str) -> dict[str, Any]:
    """The control plane's config version changed."""
    return {
        "type": "live.version",
        "control_plane_id": control_plane_id,
        "version": version,
        "hash": config_hash,
    }
