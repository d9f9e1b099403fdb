"""6. API writes: single-entity writes per second, each its own version, per database.

SQLite (with the in-memory channel layer) is measured on the run's own server. PostgreSQL
(with Redis as the channel layer, the multi-process deployment) gets a scratch database and a
server of its own, dropped afterwards. Writes cycle create → update → delete of a route; one
incremental node is connected, so every version is also delivered. Sequential writes come from
one client; concurrent ones from several, each with its own connection.
"""

import shutil
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from bench import cluster as cluster_module
from bench.changes import ChangeMaker, expected
from bench.cluster import Cluster
from bench.context import CATCH_UP_TIMEOUT, Context, in_thread
from bench.errors import BenchFailure
from bench.fleet import Fleet
from bench.stats import summary

POSTGRES_ADMIN_URL = "postgres://postgres@127.0.0.1:5432/postgres"
REDIS_URL = "redis://127.0.0.1:6379/0"
CONCURRENT_CLIENTS = 4


async def measure(ctx: Context) -> dict[str, Any]:
    size = min(ctx.profile.sizes)
    results = {"sqlite": await _measure_on(ctx.cluster, size, ctx.profile.api_writes)}
    if not ctx.profile.postgres:
        results["postgresql"] = {"skipped": "not part of this profile"}
    elif reason := _services_missing():
        results["postgresql"] = {"skipped": reason}
    else:
        with _postgres_cluster(ctx, size) as pg:
            results["postgresql"] = await _measure_on(pg, size, ctx.profile.api_writes)
    return {"entities": size, "databases": results}


async def _measure_on(cluster: Cluster, size: int, writes: int) -> dict[str, Any]:
    cp_id = cluster.control_planes[size].id
    node = (await in_thread(cluster.register_nodes, cp_id, 1, "writes"))[0]
    fleet = Fleet.of([node], cluster.sync_url, "incremental")
    fleet.place(*await in_thread(expected, cluster.api(), cp_id))
    await fleet.connect()
    try:
        sequential = await in_thread(_sequential, cluster, cp_id, writes)
        concurrent = await in_thread(_concurrent, cluster, cp_id, writes)
        version, _ = await in_thread(expected, cluster.api(), cp_id)
        await fleet.wait_version(version, CATCH_UP_TIMEOUT)
        fleet.check()
    finally:
        await fleet.close()
    return {"sequential": sequential, f"concurrent_{CONCURRENT_CLIENTS}_clients": concurrent}


def _sequential(cluster: Cluster, cp_id: str, writes: int) -> dict[str, Any]:
    maker = ChangeMaker(cluster.api(), cp_id, "seq")
    latencies = []
    started = time.monotonic()
    for _ in range(writes):
        began = time.monotonic()
        maker.next()
        latencies.append((time.monotonic() - began) * 1000)
    elapsed = time.monotonic() - started
    return {
        "writes": writes,
        "writes_per_s": round(writes / elapsed, 1),
        "latency_ms": summary(latencies, 1),
    }


def _concurrent(cluster: Cluster, cp_id: str, writes: int) -> dict[str, Any]:
    """``writes`` spread over several clients; checks that each became exactly one version."""
    before, _ = expected(cluster.api(), cp_id)
    total = writes // CONCURRENT_CLIENTS * CONCURRENT_CLIENTS
    makers = [ChangeMaker(cluster.api(), cp_id, f"c{n}") for n in range(CONCURRENT_CLIENTS)]

    def client(maker: ChangeMaker) -> None:
        for _ in range(total // CONCURRENT_CLIENTS):
            maker.next()

    started = time.monotonic()
    with ThreadPoolExecutor(CONCURRENT_CLIENTS) as pool:
        list(pool.map(client, makers))  # re-raises the first client's failure
    elapsed = time.monotonic() - started
    after, _ = expected(cluster.api(), cp_id)
    if after - before != total:
        raise BenchFailure(f"{total} concurrent writes made {after - before} versions")
    return {"writes": total, "writes_per_s": round(total / elapsed, 1)}


def _services_missing() -> str | None:
    try:
        import psycopg
        import redis

        psycopg.connect(POSTGRES_ADMIN_URL, connect_timeout=3).close()
        redis.Redis.from_url(REDIS_URL, socket_timeout=3).ping()
    except Exception as exc:
        return f"PostgreSQL or Redis unreachable on 127.0.0.1: {exc}"
    return None


@contextmanager
def _postgres_cluster(ctx: Context, size: int) -> Iterator[Cluster]:
    import psycopg

    name = f"konnectlite_bench_{int(time.time())}"
    workdir: Path = ctx.cluster.workdir / "postgres"
    workdir.mkdir()
    with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    pg: Cluster | None = None
    try:
        url = f"postgres://postgres@127.0.0.1:5432/{name}"
        env = cluster_module.server_env(workdir, url, REDIS_URL)
        pg = cluster_module.start(workdir, env, [size], ctx.profile.config_seed)
        yield pg
    finally:
        if pg is not None:
            pg.stop()
        with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        shutil.rmtree(workdir, ignore_errors=True)
