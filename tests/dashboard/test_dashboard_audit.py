"""The dashboard's audit log page, and what the dashboard itself records."""

from typing import Any

from django.test import Client

from controlplane.models import AuditEvent, ControlPlane, Organization, User
from controlplane.services import audit


def test_requires_sign_in(db: Any) -> None:
    response = Client().get("/audit-log/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_refuses_viewers_and_records_the_refusal(charlie_client: Client, org: Organization) -> None:
    assert charlie_client.get("/audit-log/").status_code == 403
    event = AuditEvent.objects.get(action="access.denied")
    assert (event.actor_label, event.organization_id, event.status) == (
        "charlie@acme.test",
        org.pk,
        403,
    )
    assert event.target_label == "GET /audit-log/"


def test_admins_see_the_log_and_the_nav_link(alice_client: Client, cp: ControlPlane) -> None:
    page = alice_client.get("/audit-log/").content.decode()
    assert 'href="/audit-log/"' in page
    assert "control_plane.create" in page


def test_a_dashboard_write_records_the_user_and_address(
    alice_client: Client, cp: ControlPlane
) -> None:
    alice_client.post(
        f"/control-planes/{cp.pk}/update/", {"name": "renamed"}, REMOTE_ADDR="203.0.113.9"
    )
    event = AuditEvent.objects.get(action="control_plane.update")
    assert (event.actor_kind, event.actor_label, event.address) == (
        "user",
        "alice@acme.test",
        "203.0.113.9",
    )


def test_other_orgs_events_are_not_shown(
    bob_client: Client, alice_client: Client, org: Organization
) -> None:
    audit.record("entity.create", organization=org, target_label="acme-secret")
    assert "acme-secret" in alice_client.get("/audit-log/").content.decode()
    assert "acme-secret" not in bob_client.get("/audit-log/").content.decode()


def test_a_failed_sign_in_is_recorded_as_refused(alice: User) -> None:
    Client().post(
        "/accounts/login/",
        {"username": "alice@acme.test", "password": "nope"},
        REMOTE_ADDR="198.51.100.4",
    )
    event = AuditEvent.objects.get(action="login.failed")
    assert (event.result, event.status, event.address) == ("refused", 401, "198.51.100.4")
    assert event.actor_label == "alice@acme.test" and event.actor_kind == "anonymous"


def test_a_successful_sign_in_is_recorded(alice: User, org: Organization) -> None:
    Client().post("/accounts/login/", {"username": "alice@acme.test", "password": "pw-alice"})
    event = AuditEvent.objects.get(action="login.succeeded")
    assert (event.actor_kind, event.organization_id, event.result) == ("user", org.pk, "ok")


def test_filters_and_pages(alice_client: Client, org: Organization) -> None:
    for n in range(60):
        audit.record("entity.create", organization=org, target_label=f"svc-{n}")
    audit.record("login.failed", organization=org, result="refused", status=401)
    refused = alice_client.get("/audit-log/", {"result": "refused"}).content.decode()
    assert "login.failed" in refused and "svc-59" not in refused
    first = alice_client.get("/audit-log/", {"action": "entity.create"}).content.decode()
    assert "svc-59" in first and "svc-5<" not in first
    assert "?action=entity.create&amp;page=2" in first
    second = alice_client.get("/audit-log/", {"action": "entity.create", "page": 2}).content
    assert b"svc-5<" in second


def test_a_bad_filter_is_explained_not_a_500(alice_client: Client) -> None:
    response = alice_client.get("/audit-log/", {"since": "yesterday"})
    assert response.status_code == 200
    assert b"expected an ISO 8601 date or date-time" in response.content


def test_a_locked_out_attempt_is_recorded_with_429(alice: User, settings: Any) -> None:
    client = Client(REMOTE_ADDR="198.51.100.5")
    for n in range(settings.AXES_FAILURE_LIMIT + 1):
        client.post("/accounts/login/", {"username": "alice@acme.test", "password": f"x{n}"})
    statuses = list(
        AuditEvent.objects.filter(action="login.failed")
        .order_by("id")
        .values_list("status", flat=True)
    )
    assert statuses[0] == 401 and statuses[-1] == 429
    assert len(statuses) == settings.AXES_FAILURE_LIMIT + 1


def test_each_event_names_its_control_plane(alice_client: Client, cp: ControlPlane) -> None:
    audit.record_on(cp, "node.revoke", target_type="node", target_id="n1", target_label="dp-1")
    page = alice_client.get("/audit-log/").content.decode()
    assert "dp-1" in page and "in default" in page
