"""Fixtures for the end-to-end tests: clusters that are always stopped afterwards."""

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.support.cluster import Cluster, sqlite_env, start_cluster


@pytest.fixture
def cluster_factory(tmp_path: Path) -> Iterator[Callable[..., Cluster]]:
    made: list[Cluster] = []

    def make(env: dict[str, str] | None = None) -> Cluster:
        cluster = start_cluster(tmp_path, env or sqlite_env(tmp_path))
        made.append(cluster)
        return cluster

    yield make
    for cluster in made:
        cluster.stop()


@pytest.fixture
def cluster(cluster_factory: Callable[..., Cluster]) -> Cluster:
    return cluster_factory()
