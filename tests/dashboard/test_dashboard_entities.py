"""The entity browser: every type lists, searches and pages; writes are versions like the API's."""

import json
from typing import Any

import pytest
from django.test import Client

from controlplane.models import ConfigVersion, ControlPlane, Entity
from controlplane.services.entities import create_entity
from kongcore.schema import ENTITY_TYPES


def url(cp: ControlPlane, path: str = "") -> str:
    return f"/control-planes/{cp.pk}/entities/{path}"


@pytest.fixture
def billing(cp: ControlPlane) -> dict[str, object]:
    return create_entity(
        cp,
        "services",
        {"name": "billing", "url": "https://billing.internal:8443/v1", "tags": ["team-a"]},
        actor="t",
    )


@pytest.mark.parametrize("entity_type", ENTITY_TYPES)
def test_every_entity_type_has_a_browser_page_and_a_form(
    alice_client: Client, cp: ControlPlane, entity_type: str
) -> None:
    assert alice_client.get(url(cp, f"{entity_type}/")).status_code == 200
    assert alice_client.get(url(cp, f"{entity_type}/new/")).status_code == 200


def test_an_unknown_entity_type_is_not_found(alice_client: Client, cp: ControlPlane) -> None:
    assert alice_client.get(url(cp, "widgets/")).status_code == 404


def test_the_table_shows_names_summaries_and_tags(
    alice_client: Client, cp: ControlPlane, billing: dict[str, object]
) -> None:
    create_entity(
        cp,
        "routes",
        {"name": "bill", "paths": ["/bill"], "service": {"name": "billing"}},
        actor="t",
    )
    services = alice_client.get(url(cp, "services/")).content.decode()
    assert (
        "billing" in services
        and "https://billing.internal:8443/v1" in services
        and "team-a" in services
    )
    routes = alice_client.get(url(cp, "routes/")).content.decode()
    assert "/bill" in routes and ">billing<" in routes  # the service by name, not by id


def test_search_matches_names_and_tags_filter(alice_client: Client, cp: ControlPlane) -> None:
    create_entity(cp, "services", {"name": "billing", "host": "b", "tags": ["pay"]}, actor="t")
    create_entity(cp, "services", {"name": "orders", "host": "o", "tags": ["shop"]}, actor="t")
    by_name = alice_client.get(url(cp, "services/"), {"q": "bill"}).content.decode()
    assert "billing" in by_name and "orders" not in by_name
    by_tag = alice_client.get(url(cp, "services/"), {"tag": "shop"}).content.decode()
    assert "orders" in by_tag and "billing" not in by_tag


def test_search_from_htmx_returns_the_table_partial_alone(
    alice_client: Client, cp: ControlPlane
) -> None:
    create_entity(cp, "services", {"name": "billing", "host": "b"}, actor="t")
    response = alice_client.get(url(cp, "services/"), {"q": "bill"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="entity-table"') and "<html" not in body
    assert "billing" in body


def test_a_plugin_is_found_by_its_plugin_name(alice_client: Client, cp: ControlPlane) -> None:
    create_entity(cp, "plugins", {"name": "cors"}, actor="t")
    page = alice_client.get(url(cp, "plugins/"), {"q": "cor"}).content.decode()
    assert "cors" in page and "global" in page


def test_tables_are_paginated(alice_client: Client, cp: ControlPlane) -> None:
    for n in range(55):
        create_entity(cp, "consumers", {"username": f"user-{n:02d}"}, actor="t")
    first = alice_client.get(url(cp, "consumers/")).content.decode()
    assert "user-00" in first and "user-49" in first and "user-50" not in first
    assert "1–50 of 55" in first
    second = alice_client.get(url(cp, "consumers/"), {"page": 2}).content.decode()
    assert "user-54" in second and "user-00" not in second


def test_the_table_costs_the_same_queries_for_any_number_of_references(
    alice_client: Client, cp: ControlPlane, django_assert_max_num_queries: Any
) -> None:
    for n in range(12):
        create_entity(cp, "services", {"name": f"svc-{n}", "host": "h"}, actor="t")
        create_entity(
            cp,
            "routes",
            {"name": f"r-{n}", "paths": [f"/{n}"], "service": {"name": f"svc-{n}"}},
            actor="t",
        )
    alice_client.get(url(cp, "routes/"))
    # session, user, membership, control plane, count, page, referenced names, type counts, switcher
    with django_assert_max_num_queries(9):
        page = alice_client.get(url(cp, "routes/")).content.decode()
    assert ">svc-11<" in page


def test_an_empty_table_says_what_to_do_next(alice_client: Client, cp: ControlPlane) -> None:
    page = alice_client.get(url(cp, "routes/")).content.decode()
    assert "No routes yet" in page and "New route" in page


def test_creating_a_route_from_friendly_fields_is_one_version_by_the_user(
    alice_client: Client, cp: ControlPlane, billing: dict[str, object]
) -> None:
    response = alice_client.post(
        url(cp, "routes/create/"),
        {
            "name": "bill",
            "service": "billing",
            "paths": "/bill, /invoices",
            "methods": "GET",
            "body": "{}",
        },
    )
    assert response.status_code == 302 and response["Location"] == url(cp, "routes/")
    route = Entity.objects.get(entity_type="routes").data
    assert route["paths"] == ["/bill", "/invoices"] and route["methods"] == ["GET"]
    assert route["service"] == {"id": billing["id"]}
    version = ConfigVersion.objects.get(control_plane=cp, version=2)
    assert version.actor == "alice@acme.test" and version.change_count == 1


def test_the_json_body_carries_every_other_field(alice_client: Client, cp: ControlPlane) -> None:
    body = json.dumps({"name": "cors-everywhere", "config": {"origins": ["https://a.test"]}})
    response = alice_client.post(
        url(cp, "plugins/create/"), {"name": "cors", "body": body, "enabled": "on"}
    )
    assert response.status_code == 302
    plugin = Entity.objects.get(entity_type="plugins").data
    assert plugin["name"] == "cors" and plugin["config"]["origins"] == ["https://a.test"]


def test_a_schema_violation_is_shown_with_kongs_message_and_nothing_is_written(
    alice_client: Client, cp: ControlPlane
) -> None:
    response = alice_client.post(
        url(cp, "services/create/"), {"name": "broken", "body": '{"port": 99999}'}
    )
    assert response.status_code == 400
    assert b"schema violation" in response.content
    assert not Entity.objects.filter(control_plane=cp).exists()
    assert not ConfigVersion.objects.filter(control_plane=cp).exists()


def test_invalid_json_is_refused_before_the_service_runs(
    alice_client: Client, cp: ControlPlane
) -> None:
    response = alice_client.post(url(cp, "services/create/"), {"body": "{nope"})
    assert response.status_code == 400 and b"not valid JSON" in response.content


def test_an_unknown_service_reference_is_a_foreign_key_violation(
    alice_client: Client, cp: ControlPlane
) -> None:
    response = alice_client.post(
        url(cp, "routes/create/"), {"paths": "/x", "service": "ghost", "body": "{}"}
    )
    assert response.status_code == 400 and b"does not reference an existing" in response.content


def test_the_edit_form_is_prefilled_from_the_entity(
    alice_client: Client, cp: ControlPlane, billing: dict[str, object]
) -> None:
    page = alice_client.get(url(cp, f"services/{billing['id']}/")).content.decode()
    assert (
        'value="https://billing.internal:8443/v1"' in page
        and "&quot;host&quot;: &quot;billing.internal&quot;" in page
    )


def test_editing_sends_only_what_changed_as_one_version(
    alice_client: Client, cp: ControlPlane, billing: dict[str, object]
) -> None:
    edited = {k: v for k, v in billing.items() if k not in ("id", "created_at", "updated_at")}
    edited["retries"] = 9
    response = alice_client.post(
        url(cp, f"services/{billing['id']}/update/"),
        {
            "name": "billing",
            "url": "https://billing.internal:8443/v1",
            "tags": "team-a",
            "body": json.dumps(edited),
        },
    )
    assert response.status_code == 302
    assert Entity.objects.get(entity_type="services").data["retries"] == 9
    last = ConfigVersion.objects.get(control_plane=cp, version=2)
    change = last.changes.get()
    assert change.op == "update" and change.old_entity["retries"] == 5


def test_a_changed_friendly_field_wins_over_the_json(
    alice_client: Client, cp: ControlPlane, billing: dict[str, object]
) -> None:
    edited = {k: v for k, v in billing.items() if k not in ("id", "created_at", "updated_at")}
    alice_client.post(
        url(cp, f"services/{billing['id']}/update/"),
        {
            "name": "payments",
            "url": "https://billing.internal:8443/v1",
            "tags": "team-a",
            "body": json.dumps(edited),
        },
    )
    assert Entity.objects.get(entity_type="services").data["name"] == "payments"


def test_saving_an_unchanged_entity_makes_no_version(
    alice_client: Client, cp: ControlPlane, billing: dict[str, object]
) -> None:
    edited = {k: v for k, v in billing.items() if k not in ("id", "created_at", "updated_at")}
    alice_client.post(
        url(cp, f"services/{billing['id']}/update/"),
        {
            "name": "billing",
            "url": "https://billing.internal:8443/v1",
            "tags": "team-a",
            "body": json.dumps(edited),
        },
    )
    assert ConfigVersion.objects.filter(control_plane=cp).count() == 1


def test_deleting_an_entity_is_one_version(
    alice_client: Client, cp: ControlPlane, billing: dict[str, object]
) -> None:
    response = alice_client.post(
        url(cp, f"services/{billing['id']}/delete/"), HTTP_HX_REQUEST="true"
    )
    assert response["HX-Redirect"] == url(cp, "services/")
    assert not Entity.objects.filter(entity_type="services").exists()
    assert ConfigVersion.objects.get(control_plane=cp, version=2).changes.get().op == "delete"


def test_deleting_a_referenced_entity_is_refused_with_kongs_reason(
    alice_client: Client, cp: ControlPlane, billing: dict[str, object]
) -> None:
    create_entity(cp, "routes", {"paths": ["/b"], "service": {"id": billing["id"]}}, actor="t")
    response = alice_client.post(url(cp, f"services/{billing['id']}/delete/"), follow=True)
    assert "was not deleted" in response.content.decode()
    assert Entity.objects.filter(entity_type="services").exists()


def test_viewers_see_entities_read_only(
    charlie_client: Client, cp: ControlPlane, billing: dict[str, object]
) -> None:
    listing = charlie_client.get(url(cp, "services/")).content.decode()
    assert "New gateway service" not in listing
    page = charlie_client.get(url(cp, f"services/{billing['id']}/")).content.decode()
    assert "read only" in page and "<form" not in page.split('class="content"')[1]


@pytest.mark.parametrize(
    "method,path",
    [
        ("get", "services/new/"),
        ("post", "services/create/"),
        ("post", "services/{id}/update/"),
        ("post", "services/{id}/delete/"),
    ],
)
def test_viewers_are_refused_entity_writes(
    charlie_client: Client, cp: ControlPlane, billing: dict[str, object], method: str, path: str
) -> None:
    response = getattr(charlie_client, method)(
        url(cp, path.format(id=billing["id"])), {"name": "x", "body": "{}"}
    )
    assert response.status_code == 403
    assert ConfigVersion.objects.filter(control_plane=cp).count() == 1


@pytest.mark.parametrize(
    "method,path",
    [
        ("get", "services/"),
        ("get", "services/{id}/"),
        ("post", "services/create/"),
        ("post", "services/{id}/delete/"),
    ],
)
def test_another_organizations_entities_are_not_found(
    bob_client: Client, cp: ControlPlane, billing: dict[str, object], method: str, path: str
) -> None:
    response = getattr(bob_client, method)(
        url(cp, path.format(id=billing["id"])), {"name": "x", "body": "{}"}
    )
    assert response.status_code == 404
    assert Entity.objects.filter(entity_type="services").count() == 1


def test_anonymous_visitors_are_sent_to_sign_in(cp: ControlPlane) -> None:
    response = Client().post(url(cp, "services/create/"), {"body": "{}"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert not Entity.objects.exists()


@pytest.mark.parametrize(
    ("entity_type", "empty", "new"),
    [
        ("ca_certificates", "No CA certificates yet", "New CA certificate"),
        ("snis", "No SNIs yet", "New SNI"),
        ("acls", "No ACL groups yet", "New ACL group"),
        ("keyauth_credentials", "No key-auth credentials yet", "New key-auth credential"),
        ("jwt_secrets", "No JWT credentials yet", "New JWT credential"),
        ("services", "No gateway services yet", "New gateway service"),
    ],
)
def test_entity_pages_name_each_type_in_its_own_casing(
    alice_client: Client, cp: ControlPlane, entity_type: str, empty: str, new: str
) -> None:
    page = alice_client.get(f"/control-planes/{cp.pk}/entities/{entity_type}/").content.decode()
    assert empty in page and new in page
    form = alice_client.get(f"/control-planes/{cp.pk}/entities/{entity_type}/new/").content.decode()
    assert f"<h1>{new}</h1>" in form


def test_every_entity_type_has_a_display_name() -> None:
    from controlplane.dashboard.entities import LABELS

    assert set(LABELS) >= set(ENTITY_TYPES)
