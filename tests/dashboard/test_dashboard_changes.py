"""The change history: each version with when, who, which entities changed and its size."""

from django.test import Client

from controlplane.models import ConfigVersion, ControlPlane
from controlplane.services.entities import create_entity, delete_entity


def test_each_version_shows_who_what_and_the_delta_size(
    alice_client: Client, cp: ControlPlane
) -> None:
    create_entity(
        cp, "services", {"name": "billing", "host": "b.internal"}, actor="alice@acme.test"
    )
    delete_entity(cp, "services", "billing", actor="ci (token deploy)")
    page = alice_client.get(f"/control-planes/{cp.pk}/changes/").content.decode()
    v1 = ConfigVersion.objects.get(control_plane=cp, version=1)
    assert "v1" in page and "v2" in page
    assert "alice@acme.test" in page and "ci (token deploy)" in page
    assert ">create</span>" in page and ">delete</span>" in page and "billing" in page
    assert f'title="{v1.wire_bytes:,} bytes"' in page
    assert "<time datetime=" in page


def test_a_large_version_previews_a_few_changes_and_links_to_all(
    alice_client: Client, cp: ControlPlane
) -> None:
    create_entity(cp, "upstreams", {"name": "pool"}, actor="t")
    for n in range(7):
        create_entity(
            cp, "targets", {"target": f"10.0.0.{n}:80", "upstream": {"name": "pool"}}, actor="t"
        )
    delete_entity(cp, "upstreams", "pool", actor="t")  # cascades to the 7 targets: 8 changes
    page = alice_client.get(f"/control-planes/{cp.pk}/changes/").content.decode()
    assert "and 3 more" in page
    detail = alice_client.get(f"/control-planes/{cp.pk}/changes/9/").content.decode()
    assert all(f"10.0.0.{n}:80" in detail for n in range(7)) and "pool" in detail


def test_an_empty_history_says_what_to_do_next(alice_client: Client, cp: ControlPlane) -> None:
    page = alice_client.get(f"/control-planes/{cp.pk}/changes/").content.decode()
    assert "No changes yet" in page and "Add a gateway service" in page


def test_a_version_not_in_the_log_is_not_found(alice_client: Client, cp: ControlPlane) -> None:
    assert alice_client.get(f"/control-planes/{cp.pk}/changes/42/").status_code == 404


def test_viewers_may_read_the_history(charlie_client: Client, cp: ControlPlane) -> None:
    create_entity(cp, "services", {"name": "billing", "host": "b"}, actor="t")
    assert charlie_client.get(f"/control-planes/{cp.pk}/changes/").status_code == 200
    assert charlie_client.get(f"/control-planes/{cp.pk}/changes/1/").status_code == 200


def test_another_organizations_history_is_not_found(bob_client: Client, cp: ControlPlane) -> None:
    create_entity(cp, "services", {"name": "billing", "host": "b"}, actor="t")
    assert bob_client.get(f"/control-planes/{cp.pk}/changes/").status_code == 404
    assert bob_client.get(f"/control-planes/{cp.pk}/changes/1/").status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in(cp: ControlPlane) -> None:
    assert Client().get(f"/control-planes/{cp.pk}/changes/").status_code == 302
