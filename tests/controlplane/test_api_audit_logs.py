"""``GET /v2/audit-logs``: the organization's audit log, for its admins."""

from datetime import timedelta
from typing import Any

from django.utils import timezone
from rest_framework.test import APIClient

from controlplane.models import AuditEvent, ControlPlane, Organization, User
from controlplane.services import audit

URL = "/v2/audit-logs"


def test_requires_auth(db: Any) -> None:
    assert APIClient().get(URL).status_code == 401


def test_refuses_viewers(viewer_api: APIClient) -> None:
    response = viewer_api.get(URL)
    assert response.status_code == 403
    assert response.json()["message"] == "only organization admins may read the audit log"


def test_hides_other_orgs_events(
    owner_api: APIClient, outsider_api: APIClient, core: Any, cp: ControlPlane
) -> None:
    owner_api.post(core("/services"), {"name": "secret-service", "host": "s.test"}, format="json")
    listed = outsider_api.get(URL).json()["data"]
    assert all(event["target"]["label"] != "secret-service" for event in listed)
    assert outsider_api.get(URL, {"control_plane": str(cp.pk)}).json()["data"] == []


def test_an_api_write_names_the_token_and_its_prefix(
    owner_api: APIClient, core: Any, alice: User
) -> None:
    owner_api.post(core("/services"), {"name": "billing", "host": "b.test"}, format="json")
    event = owner_api.get(URL, {"action": "entity.create"}).json()["data"][0]
    token = alice.tokens.get(name="test")
    assert event["actor"] == {
        "kind": "token",
        "label": f"alice@acme.test (token test, {token.display_prefix}…)",
    }
    assert event["target"]["type"] == "services" and event["target"]["label"] == "billing"
    assert event["address"] == "127.0.0.1" and event["result"] == "ok"


def test_a_viewers_refused_write_is_recorded_as_access_denied(
    viewer_api: APIClient, owner_api: APIClient, core: Any, cp: ControlPlane
) -> None:
    assert viewer_api.post(core("/services"), {"name": "x", "host": "x.test"}).status_code == 403
    event = owner_api.get(URL, {"result": "refused"}).json()["data"][0]
    assert event["action"] == "access.denied" and event["status"] == 403
    assert event["actor"]["label"].startswith("charlie@acme.test")
    assert event["control_plane_id"] == str(cp.pk)
    assert event["target"]["label"].startswith("POST /v2/control-planes/")


def test_filters_by_action_prefix_actor_and_control_plane(
    owner_api: APIClient, core: Any, cp: ControlPlane, org: Organization
) -> None:
    owner_api.post(core("/services"), {"name": "s", "host": "s.test"}, format="json")
    owner_api.delete(core("/services/s"))
    audit.record("login.failed", organization=org)
    assert {e["action"] for e in owner_api.get(URL, {"action": "entity."}).json()["data"]} == {
        "entity.create",
        "entity.delete",
    }
    both = owner_api.get(URL, {"action": "entity.delete,login.failed"}).json()["data"]
    assert [e["action"] for e in both] == ["login.failed", "entity.delete"]
    by_cp = owner_api.get(URL, {"control_plane": str(cp.pk)}).json()["data"]
    assert {e["action"] for e in by_cp} == {
        "control_plane.create",
        "entity.create",
        "entity.delete",
    }
    assert owner_api.get(URL, {"actor": "ALICE@acme"}).json()["data"]
    assert owner_api.get(URL, {"actor": "nobody"}).json()["data"] == []


def test_filters_by_time(owner_api: APIClient, org: Organization) -> None:
    old = audit.record("entity.create", organization=org)
    AuditEvent.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=3))
    day_ago = (timezone.now() - timedelta(days=1)).isoformat()
    assert old.pk not in [e["id"] for e in owner_api.get(URL, {"since": day_ago}).json()["data"]]
    assert [e["id"] for e in owner_api.get(URL, {"until": day_ago}).json()["data"]] == [old.pk]
    assert owner_api.get(URL, {"until": "2000-01-01"}).json()["data"] == []


def test_bad_filters_are_refused_naming_the_field(owner_api: APIClient) -> None:
    for name, value in [
        ("since", "yesterday"),
        ("until", "0001-01-01T00:00:00+05:00"),
        ("result", "maybe"),
        ("control_plane", "x"),
    ]:
        response = owner_api.get(URL, {name: value})
        assert response.status_code == 400, name
        assert name in response.json()["fields"]


def test_pages_newest_first_with_next(owner_api: APIClient, org: Organization) -> None:
    for n in range(5):
        audit.record("entity.create", organization=org, target_label=f"e{n}")
    first = owner_api.get(URL, {"size": 2, "action": "entity.create"}).json()
    assert [e["target"]["label"] for e in first["data"]] == ["e4", "e3"]
    second = owner_api.get(first["next"]).json()
    assert [e["target"]["label"] for e in second["data"]] == ["e2", "e1"]
    last = owner_api.get(second["next"]).json()
    assert [e["target"]["label"] for e in last["data"]] == ["e0"] and last["next"] is None


def test_a_bad_offset_or_size_is_a_400(owner_api: APIClient) -> None:
    assert owner_api.get(URL, {"offset": "!!"}).status_code == 400
    assert owner_api.get(URL, {"offset": "__________8"}).status_code == 400
    assert owner_api.get(URL, {"size": "0"}).status_code == 400


def test_listing_costs_the_same_queries_however_many_events(
    owner_api: APIClient, org: Organization, django_assert_max_num_queries: Any
) -> None:
    owner_api.get(URL)  # the token's last_used_at is written once a minute; not in the count
    with django_assert_max_num_queries(4) as few:
        owner_api.get(URL)
    for n in range(50):
        audit.record("entity.create", organization=org, target_label=f"e{n}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(owner_api.get(URL).json()["data"]) > 50


def test_a_session_caller_is_named_by_email(alice: User, cp: ControlPlane) -> None:
    client = APIClient()
    client.force_login(alice)
    client.patch(f"/v2/control-planes/{cp.pk}", {"description": "x"}, format="json")
    event = AuditEvent.objects.get(action="control_plane.update")
    assert (event.actor_kind, event.actor_label) == ("user", "alice@acme.test")
