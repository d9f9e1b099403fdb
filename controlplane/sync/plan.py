"""What a node needs after its hello: nothing, deltas, or a snapshot (and why)."""

from dataclasses import dataclass

from kongcore import protocol
from kongcore.hashing import EMPTY_HASH


@dataclass(frozen=True)
class Plan:
    """Either ``snapshot_reason`` is set, or deltas run from ``first`` to ``last`` inclusive."""

    snapshot_reason: str | None = None
    first: int = 0
    last: int = -1

    @property
    def needs_nothing(self) -> bool:
        return self.snapshot_reason is None and self.first > self.last


@dataclass(frozen=True)
class CatchUpInput:
    node_version: int
    node_hash: str
    mode: protocol.SyncMode
    cp_version: int
    cp_hash: str
    oldest_retained: int
    # The control plane's recorded hash for the node's version, if the log still has it.
    hash_at_node_version: str | None


def plan_catch_up(facts: CatchUpInput) -> Plan:
    """Decide, by the rules in docs/sync-protocol.md, how to bring a node up to date."""
    if facts.node_version == 0 and facts.node_hash == EMPTY_HASH and facts.cp_version > 0:
        return Plan("new")
    if facts.node_version == 0 and facts.cp_version == 0:
        return Plan() if facts.node_hash == EMPTY_HASH else Plan("hash_mismatch")
    if facts.node_version > facts.cp_version:
        return Plan("ahead")
    if facts.node_version == facts.cp_version:
        return Plan() if facts.node_hash == facts.cp_hash else Plan("hash_mismatch")
    if facts.mode == protocol.FULL:
        return Plan("full_mode")
    if facts.node_version == 0 or facts.node_version + 1 < facts.oldest_retained:
        return Plan("new" if facts.node_version == 0 else "too_far_behind")
    known = facts.hash_at_node_version
    if known is not None and known != facts.node_hash:
        return Plan("hash_mismatch")
    return Plan(None, facts.node_version + 1, facts.cp_version)
