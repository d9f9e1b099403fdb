"""Concurrent writers on PostgreSQL: versions stay 1..N with no gaps or duplicates, every
change is in the log, and the config hash still matches the whole config.

Run with ``scripts/with-services.sh .venv/bin/pytest -m postgres``.
"""

import threading
from collections import defaultdict
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection, connections

from controlplane.errors import KongError
from controlplane.models import Change, ConfigVersion, ControlPlane, Entity
from controlplane.services.entities import create_entity, delete_entity, update_entity
from kongcore import hashing
from tests.conftest import services_required

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

THREADS = 8
WRITES_PER_THREAD = 12


@pytest.fixture(autouse=True)
def on_postgres() -> None:
    if connection.vendor != "postgresql":
        services_required("PostgreSQL")


def run_threads(work: Callable[[int], None], count: int = THREADS) -> list[BaseException]:
    """Run ``work(i)`` in ``count`` threads started together; return what they raised."""
    barrier = threading.Barrier(count)
    errors: list[BaseException] = []

    def thread_main(i: int) -> None:
        try:
            barrier.wait()
            work(i)
        except BaseException as exc:  # reported by the test, not lost in the thread
            errors.append(exc)
        finally:
            connections.close_all()  # each thread had its own connection

    threads = [threading.Thread(target=thread_main, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads)
    return errors


def versions(cp: ControlPlane) -> list[int]:
    return list(
        ConfigVersion.objects.filter(control_plane=cp)
        .order_by("version")
        .values_list("version", flat=True)
    )


def full_hash(cp: ControlPlane) -> str:
    config: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in Entity.objects.filter(control_plane=cp):
        config[row.entity_type].append(row.data)
    return hashing.config_hash(config)


def test_concurrent_writers_get_gapless_versions_and_every_change_is_logged(
    cp: ControlPlane,
) -> None:
    created: dict[int, list[str]] = defaultdict(list)

    def writer(i: int) -> None:
        for n in range(WRITES_PER_THREAD):
            name = f"t{i}-c{n}"
            if n % 4 == 3:  # every fourth write updates, then the next deletes
                update_entity(cp, "consumers", f"t{i}-c{n - 1}", {"custom_id": name}, actor=name)
            elif n % 4 == 0 and n:
                delete_entity(cp, "consumers", f"t{i}-c{n - 2}", actor=name)
            else:
                created[i].append(
                    create_entity(cp, "consumers", {"username": name}, actor=name)["id"]
                )

    assert run_threads(writer) == []
    total = THREADS * WRITES_PER_THREAD
    cp.refresh_from_db()
    assert versions(cp) == list(range(1, total + 1))
    assert cp.config_version == total
    changes = Change.objects.filter(config_version__control_plane=cp)
    assert changes.count() == total
    assert set(ConfigVersion.objects.values_list("actor", flat=True)) == {
        f"t{i}-c{n}" for i in range(THREADS) for n in range(WRITES_PER_THREAD)
    }
    logged = {str(c.entity_id) for c in changes.filter(op="create")}
    assert logged == {id_ for ids in created.values() for id_ in ids}
    assert cp.config_hash == full_hash(cp)
    assert ConfigVersion.objects.get(control_plane=cp, version=total).config_hash == cp.config_hash


def test_racing_to_take_one_name_leaves_one_winner_and_no_gap(cp: ControlPlane) -> None:
    def writer(i: int) -> None:
        create_entity(cp, "services", {"name": "billing", "host": f"h{i}"}, actor=str(i))
        create_entity(cp, "services", {"name": f"own-{i}", "host": "h"}, actor=str(i))

    errors = run_threads(writer)
    assert len(errors) == THREADS - 1
    assert all(isinstance(e, KongError) and e.status == 409 for e in errors)
    cp.refresh_from_db()
    assert versions(cp) == [1, 2]
    assert Entity.objects.filter(control_plane=cp, endpoint_key="billing").count() == 1


def test_concurrent_cascades_are_one_version_each(cp: ControlPlane) -> None:
    for i in range(THREADS):
        create_entity(cp, "routes", {"name": f"r{i}", "paths": [f"/{i}"]}, actor="setup")
        create_entity(cp, "plugins", {"name": "cors", "route": f"r{i}"}, actor="setup")
        create_entity(cp, "plugins", {"name": "key-auth", "route": f"r{i}"}, actor="setup")
    start = THREADS * 3

    def writer(i: int) -> None:
        delete_entity(cp, "routes", f"r{i}", actor=str(i))

    assert run_threads(writer) == []
    cp.refresh_from_db()
    assert versions(cp) == list(range(1, start + THREADS + 1))
    for version in ConfigVersion.objects.filter(control_plane=cp, version__gt=start):
        assert sorted(c.entity_type for c in version.changes.all()) == [
            "plugins",
            "plugins",
            "routes",
        ]
    assert not Entity.objects.filter(control_plane=cp).exists()
    assert cp.config_hash == hashing.EMPTY_HASH


def test_concurrent_api_clients_get_gapless_versions(
    cp: ControlPlane, alice: Any, org: Any
) -> None:
    from tests.conftest import api_client

    clients = [api_client(alice, org) for _ in range(THREADS)]
    base = f"/v2/control-planes/{cp.pk}/core-entities"

    def writer(i: int) -> None:
        for n in range(5):
            response = clients[i].post(
                f"{base}/services", {"name": f"s{i}-{n}", "host": "h"}, format="json"
            )
            assert response.status_code == 201, response.json()

    assert run_threads(writer) == []
    cp.refresh_from_db()
    assert versions(cp) == list(range(1, THREADS * 5 + 1))
    body = clients[0].get(f"/v2/control-planes/{cp.pk}/changes", {"size": 1000}).json()
    assert [v["version"] for v in body["data"]] == list(range(1, THREADS * 5 + 1))
    assert cp.config_hash == full_hash(cp)
