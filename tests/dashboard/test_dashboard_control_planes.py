"""The control-plane list, one control plane's page, and create / edit / delete."""

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from controlplane.models import ControlPlane, DataPlaneNode, Organization
from controlplane.services.control_planes import create_control_plane
from controlplane.services.entities import create_entity


def test_the_list_shows_version_nodes_and_sync_setting(
    alice_client: Client, cp: ControlPlane, make_node: Callable[..., DataPlaneNode]
) -> None:
    create_entity(cp, "services", {"name": "billing", "host": "b.internal"}, actor="test")
    make_node("in-sync", config_version=1, config_hash=ControlPlane.objects.get().config_hash)
    make_node("behind", config_version=0)
    make_node("offline", connected=False)
    page = alice_client.get("/").content.decode()
    assert "default" in page and "v1" in page
    assert "<strong>2</strong> of 3" in page  # connected
    assert "<strong>1</strong> of 3" in page  # in sync
    assert ">On</span>" in page


def test_the_list_is_one_query_for_any_number_of_control_planes(
    alice_client: Client, org: Organization, django_assert_max_num_queries: Any
) -> None:
    for n in range(5):
        create_control_plane(org, name=f"cp-{n}")
    alice_client.get("/")  # warm the session
    # session, user, membership, the list with its node counts, the switcher's memberships
    with django_assert_max_num_queries(6):
        assert alice_client.get("/").status_code == 200


def test_the_list_shows_only_this_organizations_control_planes(
    alice_client: Client, cp: ControlPlane, other_org: Organization
) -> None:
    create_control_plane(other_org, name="globex-secret")
    page = alice_client.get("/").content.decode()
    assert "globex-secret" not in page


def test_an_empty_list_says_what_to_do_next(alice_client: Client, org: Organization) -> None:
    page = alice_client.get("/").content.decode()
    assert "No control planes yet" in page and "Create your first control plane" in page


def test_viewers_see_no_write_controls(charlie_client: Client, cp: ControlPlane) -> None:
    page = charlie_client.get("/").content.decode()
    assert "New control plane" not in page and "Delete" not in page and "Edit" not in page
    page = charlie_client.get(f"/control-planes/{cp.pk}/").content.decode()
    assert "Add data-plane node" not in page and "Delete" not in page


def test_an_admin_creates_a_control_plane(alice_client: Client, org: Organization) -> None:
    response = alice_client.post(
        "/control-planes/",
        {
            "name": "prod",
            "description": "EU edge",
            "labels": "env=prod\nteam=edge",
            "incremental_sync": "on",
        },
    )
    cp = ControlPlane.objects.get(name="prod")
    assert response.status_code == 302 and response["Location"] == f"/control-planes/{cp.pk}/"
    assert cp.organization == org and cp.labels == {"env": "prod", "team": "edge"}
    assert cp.incremental_sync is True


def test_a_duplicate_name_is_refused_with_kongs_message(
    alice_client: Client, cp: ControlPlane
) -> None:
    response = alice_client.post("/control-planes/", {"name": "default"})
    assert response.status_code == 400
    assert b"UNIQUE violation" in response.content


def test_malformed_labels_are_refused(alice_client: Client, org: Organization) -> None:
    response = alice_client.post("/control-planes/", {"name": "x", "labels": "no-equals-sign"})
    assert response.status_code == 400
    assert b"is not key=value" in response.content
    assert not ControlPlane.objects.filter(name="x").exists()


def test_an_admin_edits_a_control_plane_and_turns_incremental_sync_off(
    alice_client: Client, cp: ControlPlane
) -> None:
    form = alice_client.get(f"/control-planes/{cp.pk}/edit/").content.decode()
    assert 'value="default"' in form
    response = alice_client.post(
        f"/control-planes/{cp.pk}/update/", {"name": "renamed", "labels": ""}
    )
    assert response.status_code == 302
    cp.refresh_from_db()
    assert cp.name == "renamed" and cp.incremental_sync is False


def test_an_admin_deletes_a_control_plane(alice_client: Client, cp: ControlPlane) -> None:
    response = alice_client.post(f"/control-planes/{cp.pk}/delete/", HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and response["HX-Redirect"] == "/"
    assert not ControlPlane.objects.filter(pk=cp.pk).exists()


@pytest.mark.parametrize(
    "method,path",
    [
        ("get", "/control-planes/new/"),
        ("post", "/control-planes/"),
        ("get", "/control-planes/{cp}/edit/"),
        ("post", "/control-planes/{cp}/update/"),
        ("post", "/control-planes/{cp}/delete/"),
    ],
)
def test_viewers_are_refused_control_plane_writes(
    charlie_client: Client, cp: ControlPlane, method: str, path: str
) -> None:
    response = getattr(charlie_client, method)(path.format(cp=cp.pk), {"name": "x"})
    assert response.status_code == 403
    assert ControlPlane.objects.filter(pk=cp.pk, name="default").exists()


@pytest.mark.parametrize(
    "method,path",
    [
        ("get", "/control-planes/{cp}/"),
        ("get", "/control-planes/{cp}/edit/"),
        ("post", "/control-planes/{cp}/update/"),
        ("post", "/control-planes/{cp}/delete/"),
    ],
)
def test_another_organizations_control_plane_is_not_found(
    bob_client: Client, cp: ControlPlane, method: str, path: str
) -> None:
    response = getattr(bob_client, method)(path.format(cp=cp.pk), {"name": "x"})
    assert response.status_code == 404
    assert ControlPlane.objects.filter(pk=cp.pk, name="default").exists()


def test_the_control_plane_page_shows_its_summary_entities_and_recent_changes(
    alice_client: Client, cp: ControlPlane
) -> None:
    create_entity(
        cp, "services", {"name": "billing", "host": "b.internal"}, actor="alice@acme.test"
    )
    page = alice_client.get(f"/control-planes/{cp.pk}/").content.decode()
    assert 'id="cp-summary"' in page and "data-config-version" in page and "v1" in page
    assert "Gateway services" in page and "billing" in page and "alice@acme.test" in page
    assert f'ws-connect="/ws/control-planes/{cp.pk}/live"' in page


def test_anonymous_visitors_of_a_control_plane_are_sent_to_sign_in(cp: ControlPlane) -> None:
    response = Client().get(f"/control-planes/{cp.pk}/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
