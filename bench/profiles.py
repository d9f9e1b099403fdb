"""How big each run is. ``full`` is the issue's scale; ``quick`` proves the suite works in CI.

``smoke`` is smaller still, for the test that runs the suite under pytest.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Profile:
    name: str
    sizes: tuple[int, ...]  # config sizes for control-plane cost; the largest is used elsewhere
    latency_nodes: tuple[int, ...]
    latency_changes: int  # per node count and mode (incremental)
    latency_full_changes: int  # per node count, full mode (each one ships the whole config)
    cost_changes: int  # per size, incremental
    cost_full_changes: int  # per size, full mode
    node_changes: int  # deltas applied by the real agents
    scale_nodes: int
    scale_changes: int  # one change reaching every node, repeated
    scale_behind: int  # versions missed before reconnecting
    api_writes: int  # per database
    postgres: bool
    # Time a decK file at the 20,000,000-value alias ceiling (about three minutes, full only).
    alias_ceiling: bool = False
    config_seed: int = 42


PROFILES = {
    "full": Profile(
        name="full",
        sizes=(300, 3_000, 30_000),
        latency_nodes=(1, 10, 100),
        latency_changes=60,
        latency_full_changes=9,
        cost_changes=60,
        cost_full_changes=9,
        node_changes=30,
        scale_nodes=1_000,
        scale_changes=5,
        scale_behind=10,
        api_writes=600,
        postgres=True,
        alias_ceiling=True,
    ),
    "quick": Profile(
        name="quick",
        sizes=(100, 300, 1_000),
        latency_nodes=(1, 5, 20),
        latency_changes=15,
        latency_full_changes=6,
        cost_changes=15,
        cost_full_changes=6,
        node_changes=9,
        scale_nodes=100,
        scale_changes=3,
        scale_behind=10,
        api_writes=90,
        postgres=True,
    ),
    "smoke": Profile(
        name="smoke",
        sizes=(40, 100),
        latency_nodes=(1, 3),
        latency_changes=3,
        latency_full_changes=3,
        cost_changes=3,
        cost_full_changes=3,
        node_changes=3,
        scale_nodes=10,
        scale_changes=1,
        scale_behind=3,
        api_writes=15,
        postgres=False,
    ),
}
