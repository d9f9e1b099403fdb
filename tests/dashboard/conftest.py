"""Dashboard fixtures: signed-in browsers (Django test clients) for alice, charlie and bob,
and helpers that put data-plane nodes in a known state."""

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from controlplane.models import ControlPlane, DataPlaneNode, User
from controlplane.services.nodes import create_registration_token, register_node


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def alice_client(alice: User) -> Client:
    """The organization's admin."""
    return signed_in(alice)


@pytest.fixture
def charlie_client(charlie: User) -> Client:
    """A viewer in alice's organization."""
    return signed_in(charlie)


@pytest.fixture
def bob_client(bob: User) -> Client:
    """The admin of another organization."""
    return signed_in(bob)


@pytest.fixture
def make_node(cp: ControlPlane) -> Callable[..., DataPlaneNode]:
    """Register a node, then set the state its sync connection would have written."""

    def make(name: str = "dp-1", **state: Any) -> DataPlaneNode:
        _, secret = create_registration_token(cp, name="test", created_by=None)
        node, _ = register_node(
            secret, name=name, hostname=f"{name}.internal", labels={"zone": "a"}, version="0.1.0"
        )
        defaults: dict[str, Any] = {"connected": True, "last_ping": timezone.now()}
        DataPlaneNode.objects.filter(pk=node.pk).update(**{**defaults, **state})
        node.refresh_from_db()
        return node

    return make


def many_nodes(cp: ControlPlane, count: int, **state: Any) -> list[DataPlaneNode]:
    """``count`` connected nodes named node-000… in one insert: paging needs a fleet."""
    defaults: dict[str, Any] = {"connected": True, "last_ping": timezone.now()}
    return DataPlaneNode.objects.bulk_create(
        DataPlaneNode(
            control_plane=cp,
            name=f"node-{n:03}",
            hostname=f"host-{n:03}.internal",
            labels={"rack": str(n % 3)},
            credential_hash=f"test-{cp.pk}-{n}",
            **{**defaults, **state},
        )
        for n in range(count)
    )
