"""Fixtures for the end-to-end tests: clusters, databases and servers that are always stopped
or dropped afterwards."""

import os
import shutil
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.conftest import services_required
from tests.support.cluster import Cluster, base_env, sqlite_env, start_cluster
from tests.support.processes import RedisServer


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


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A PostgreSQL database of this test's own, dropped afterwards; needs Redis too."""
    base = os.environ.get("DATABASE_URL", "")
    if not base.startswith("postgres") or not os.environ.get("REDIS_URL"):
        services_required("PostgreSQL and Redis")
    import psycopg

    name = f"konnectlite_e2e_{uuid.uuid4().hex[:8]}"
    admin = base.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    yield base.rsplit("/", 1)[0] + "/" + name
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def postgres_env(postgres_url: str, tmp_path: Path) -> dict[str, str]:
    """The environment of a control plane on its own database and the shared Redis."""
    env = base_env(tmp_path, postgres_url)
    env["REDIS_URL"] = os.environ["REDIS_URL"]
    return env


@pytest.fixture
def postgres_cluster(
    postgres_env: dict[str, str], cluster_factory: Callable[..., Cluster]
) -> Callable[..., Cluster]:
    """Start clusters on this test's own database; keyword arguments add to the environment.

    It asks for the database before the cluster factory, so the clusters stop before the
    database is dropped under them.
    """
    return lambda **env: cluster_factory(postgres_env | env)


@pytest.fixture
def redis_server(tmp_path: Path) -> Iterator[RedisServer]:
    """A redis-server of this test's own, on a free port, that the test may stop and restart."""
    if shutil.which("redis-server") is None:
        services_required("redis-server")
    server = RedisServer(tmp_path / "redis.log").start()
    yield server
    server.stop()
