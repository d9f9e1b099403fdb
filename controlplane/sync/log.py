"""Reads of the change log and of node credentials for the sync path."""

from controlplane.models import ConfigVersion, ControlPlane, DataPlaneNode
from controlplane.secrets import NODE_CREDENTIAL_PREFIX, hash_secret
from controlplane.sync.plan import CatchUpInput


def oldest_retained_version(cp: ControlPlane) -> int:
    """The first version whose changes are still in the log (current+1 if none are)."""
    first = (
        ConfigVersion.objects.filter(control_plane=cp)
        .order_by("version")
        .values_list("version", flat=True)
        .first()
    )
    return first if first is not None else cp.config_version + 1


def catch_up_facts(cp_id: str, node_version: int, node_hash: str) -> CatchUpInput:
    cp = ControlPlane.objects.get(pk=cp_id)
    recorded = (
        ConfigVersion.objects.filter(control_plane=cp, version=node_version)
        .values_list("config_hash", flat=True)
        .first()
    )
    return CatchUpInput(
        node_version=node_version,
        node_hash=node_hash,
        mode=cp.sync_mode,
        cp_version=cp.config_version,
        cp_hash=cp.config_hash,
        oldest_retained=oldest_retained_version(cp),
        hash_at_node_version=recorded,
    )


def authenticate_node(credential: str) -> DataPlaneNode | None:
    """The node holding ``credential``, revoked or not (the caller tells the two apart)."""
    if not credential.startswith(NODE_CREDENTIAL_PREFIX):
        return None
    return (
        DataPlaneNode.objects.select_related("control_plane")
        .filter(credential_hash=hash_secret(credential))
        .first()
    )
