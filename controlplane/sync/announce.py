"""What services announce after their transaction commits, each through ``publish_on_commit``.

Services call these inside their transaction; nothing is sent if it rolls back. None of these
messages is the only way its news travels: sync connections also read the control plane's
head (heads.py) every half heartbeat interval, which catches a node up and closes a revoked
node's socket even when the channel layer lost the message.
"""

from controlplane import events, representations
from controlplane.models import ConfigVersion, ControlPlane, DataPlaneNode
from controlplane.sync.publish import publish_on_commit
from kongcore import protocol


def version_on_commit(cp: ControlPlane, version: ConfigVersion, frame: protocol.Frame) -> None:
    """A new version: its delta rides in the event when small, so delivery reads nothing."""
    cp_id = str(cp.pk)
    inline = frame.data if frame.wire_bytes <= events.INLINE_FRAME_LIMIT else None
    sync_event = events.sync_version(
        control_plane_id=cp_id,
        version=version.version,
        config_hash=version.config_hash,
        committed_at=version.created_at.timestamp(),
        sync_mode=cp.sync_mode,
        revocation_epoch=version.revocation_epoch,
        frame=inline,
        raw_bytes=frame.raw_bytes,
    )
    live_event = events.live_version(
        control_plane_id=cp_id, version=version.version, config_hash=version.config_hash
    )
    publish_on_commit(
        lambda: (events.sync_group(cp_id), sync_event),
        lambda: (events.live_group(cp_id), live_event),
    )


def settings_on_commit(cp: ControlPlane) -> None:
    cp_id, mode = str(cp.pk), cp.sync_mode
    publish_on_commit(
        lambda: (
            events.sync_group(cp_id),
            events.sync_settings(control_plane_id=cp_id, sync_mode=mode),
        )
    )


def revocation_on_commit(cp_id: str, node_id: str | None) -> None:
    """One node revoked, or (``node_id`` None) every node of a deleted control plane."""
    revoke = events.sync_revoke(control_plane_id=cp_id, node_id=node_id)
    messages = [lambda: (events.sync_group(cp_id), revoke)]
    if node_id is not None:
        gone = events.live_node(control_plane_id=cp_id, node={"id": node_id, "deleted": True})
        messages.append(lambda: (events.live_group(cp_id), gone))
    publish_on_commit(*messages)


def node_on_commit(node: DataPlaneNode) -> None:
    """A node was registered; dashboards show it once the row is committed."""
    cp_id = str(node.control_plane_id)
    publish_on_commit(
        lambda: (
            events.live_group(cp_id),
            events.live_node(control_plane_id=cp_id, node=representations.node(node)),
        )
    )
