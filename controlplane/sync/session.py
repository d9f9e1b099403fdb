"""What one sync connection knows about its node; lives only as long as the socket."""

import time

from kongcore import protocol

# What was sent for a version and not yet acknowledged: payload type, the time its
# commit-to-ack counts from (the commit, or the send of a catch-up), bytes.
InFlight = tuple[protocol.PayloadType, float, int]


class Session:
    def __init__(self) -> None:
        self.last_heard = time.monotonic()
        self.last_ping_sent = time.monotonic()
        # Wall-clock, because connections of one node may live in different processes.
        self.connected_at = time.time()
        self.replaced = False
        self.node_mode: protocol.SyncMode = protocol.INCREMENTAL
        self.cp_mode: protocol.SyncMode = protocol.INCREMENTAL
        # The newest version sent, and the one the node last said it holds (hello, ack, ping).
        self.sent_version = 0
        self.node_version = 0
        self.in_flight: dict[int, InFlight] = {}
        # The head's version at the last check, if the node was behind it with nothing in
        # flight; 0 if it was not.
        self.lagging_behind = 0
        self.nacks = 0
        # Deltas up to this version were sent before the last snapshot that answered a nack.
        self.resync_version = -1
        # Revocations up to this count are known not to include this node.
        self.checked_epoch = 0
        # The channel layer failed us; join the groups again once it answers.
        self.rejoin = False
        # Set while sending a catch-up (after hello, or by anti-entropy): its commit-to-ack
        # counts from when it was sent, since a node that connects an hour after a commit
        # did not wait an hour for it. Live versions count from their commit.
        self.catching_up = False
        self.counters = {
            "total_wire_bytes": 0,
            "total_raw_bytes": 0,
            "delta_count": 0,
            "snapshot_count": 0,
        }

    @property
    def mode(self) -> protocol.SyncMode:
        """Incremental only if both the node and the control plane want it."""
        both = self.node_mode == self.cp_mode == protocol.INCREMENTAL
        return protocol.INCREMENTAL if both else protocol.FULL

    @property
    def incremental(self) -> bool:
        return self.mode == protocol.INCREMENTAL
