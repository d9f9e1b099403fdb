"""What every section of a run shares: the cluster, the profile and the registered nodes."""

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

from bench.cluster import Cluster, ControlPlaneInfo, NodeIdentity
from bench.profiles import Profile

T = TypeVar("T")

# The longest any one wait may take before the run is declared broken.
CATCH_UP_TIMEOUT = 120.0


@dataclass
class Context:
    cluster: Cluster
    profile: Profile
    # Nodes registered on the largest control plane, shared by the sections that use it.
    pool: list[NodeIdentity] = field(default_factory=list)

    @property
    def largest(self) -> ControlPlaneInfo:
        return self.cluster.control_planes[max(self.profile.sizes)]

    def nodes(self, count: int) -> list[NodeIdentity]:
        """``count`` registered nodes of the largest control plane, registering more if needed."""
        if len(self.pool) < count:
            missing = count - len(self.pool)
            more = self.cluster.register_nodes(self.largest.id, missing, "pool", len(self.pool))
            self.pool.extend(more)
        return self.pool[:count]


async def in_thread(function: Callable[..., T], *args: object) -> T:
    """Run blocking work (an API call) without stalling the nodes' event loop."""
    return await asyncio.to_thread(function, *args)
