"""The audit log's writer: each service records its action in its own transaction."""

import sys
from datetime import timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from controlplane.models import AuditEvent, ControlPlane, Membership, Organization, Role, User
from controlplane.services import (
    audit,
    control_planes,
    entities,
    nodes,
    tenancy,
    tokens,
    webhooks,
)
from controlplane.services.declarative import apply_declarative_config
from controlplane.services.revert import revert_control_plane


def actions() -> list[str]:
    return list(AuditEvent.objects.order_by("id").values_list("action", flat=True))


def last() -> AuditEvent:
    return AuditEvent.objects.order_by("-id").first()  # type: ignore[return-value]


@pytest.fixture
def as_alice(alice: User) -> Any:
    with audit.acting(audit.user_actor(alice, "192.0.2.7")) as actor:
        yield actor


def test_an_entity_write_records_its_entity_actor_and_version(
    cp: ControlPlane, as_alice: Any
) -> None:
    entities.create_entity(cp, "services", {"name": "billing", "host": "b.test"}, actor="a")
    event = last()
    assert (event.action, event.target_type, event.target_label) == (
        "entity.create",
        "services",
        "billing",
    )
    assert (event.actor_kind, event.actor_label, event.address) == (
        "user",
        "alice@acme.test",
        "192.0.2.7",
    )
    assert event.organization_id == cp.organization_id and event.control_plane_id == cp.pk
    assert event.detail == {"version": 1, "change_count": 1}


def test_updates_and_deletes_are_recorded_as_such(cp: ControlPlane, as_alice: Any) -> None:
    entities.create_entity(cp, "services", {"name": "s", "host": "b.test"}, actor="a")
    entities.update_entity(cp, "services", "s", {"host": "c.test"}, actor="a")
    entities.delete_entity(cp, "services", "s", actor="a")
    assert actions()[-3:] == ["entity.create", "entity.update", "entity.delete"]


def test_a_declarative_sync_is_one_event_with_its_change_count(
    cp: ControlPlane, as_alice: Any
) -> None:
    before = AuditEvent.objects.count()
    apply_declarative_config(
        cp,
        {
            "_format_version": "3.0",
            "services": [{"name": "a", "host": "a.test"}, {"name": "b", "host": "b.test"}],
        },
        actor="a",
    )
    assert AuditEvent.objects.count() == before + 1
    event = last()
    assert (event.action, event.target_type, event.target_label) == (
        "declarative.sync",
        "control_plane",
        "default",
    )
    assert event.detail["change_count"] == 2


def test_a_rolled_back_write_leaves_no_event(cp: ControlPlane, as_alice: Any) -> None:
    before = AuditEvent.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        entities.create_entity(cp, "services", {"name": "s", "host": "b.test"}, actor="a")
        raise RuntimeError("the caller's transaction fails after the write")
    assert AuditEvent.objects.count() == before


def test_a_refused_write_leaves_no_event(cp: ControlPlane, as_alice: Any) -> None:
    before = AuditEvent.objects.count()
    with pytest.raises(Exception, match="UNIQUE"):
        for _ in range(2):
            entities.create_entity(cp, "consumers", {"username": "u"}, actor="a")
    assert AuditEvent.objects.count() == before + 1  # only the first, committed write


def test_control_plane_lifecycle_is_recorded(org: Organization, as_alice: Any) -> None:
    cp = control_planes.create_control_plane(org, name="edge")
    control_planes.update_control_plane(cp, {"description": "the edge"})
    control_planes.delete_control_plane(cp)
    assert actions()[-3:] == [
        "control_plane.create",
        "control_plane.update",
        "control_plane.delete",
    ]
    assert last().target_label == "edge" and last().control_plane_id == cp.pk


def test_tokens_are_named_by_name_and_prefix_never_by_secret(
    org: Organization, alice: User, as_alice: Any
) -> None:
    token, secret = tokens.create_token(alice, org, name="ci")
    tokens.revoke_token(token)
    created, revoked = AuditEvent.objects.filter(target_type="personal_access_token").order_by("id")
    assert (created.action, revoked.action) == ("token.create", "token.revoke")
    assert token.display_prefix in created.target_label and "ci" in created.target_label
    assert secret not in str(AuditEvent.objects.values_list())


def test_registration_tokens_and_nodes_are_recorded(cp: ControlPlane, as_alice: Any) -> None:
    token, secret = nodes.create_registration_token(cp, name="fleet", created_by=None)
    node, _ = nodes.register_node(secret, name="dp1", hostname="h", labels={}, version="3.9")
    nodes.revoke_node(node)
    nodes.revoke_registration_token(token)
    assert actions()[-4:] == [
        "registration_token.create",
        "node.register",
        "node.revoke",
        "registration_token.revoke",
    ]
    registered = AuditEvent.objects.get(action="node.register")
    assert registered.actor_kind == "token" and token.display_prefix in registered.actor_label
    assert secret not in registered.actor_label and registered.target_label == "dp1"


def test_membership_changes_are_recorded(org: Organization, charlie: User, as_alice: Any) -> None:
    membership = Membership.objects.get(user=charlie, organization=org)
    tenancy.change_role(membership, Role.EDITOR)
    tenancy.remove_member(membership)
    assert actions()[-2:] == ["member.change_role", "member.remove"]
    changed = AuditEvent.objects.get(action="member.change_role")
    assert changed.target_label == "charlie@acme.test"
    assert changed.detail == {"role": "editor", "previous": "viewer"}


def test_without_a_request_the_actor_is_the_system(cp: ControlPlane) -> None:
    entities.create_entity(cp, "services", {"name": "s", "host": "b.test"}, actor="a")
    assert (last().actor_kind, last().actor_label) == ("system", "system")


def test_a_management_command_is_named_as_the_actor(
    org: Organization, alice: User, monkeypatch: Any
) -> None:
    monkeypatch.setattr(sys, "argv", ["manage.py", "create_token"])
    call_command("create_token", "--email", "alice@acme.test", "--org", "acme", stdout=None)
    event = last()
    assert (event.action, event.actor_kind, event.actor_label) == (
        "token.create",
        "system",
        "manage.py create_token",
    )


def test_a_failed_sign_in_of_an_unknown_account_belongs_to_no_organization(db: Any) -> None:
    audit.record_sign_in("login.failed", "nobody@x.test", user=None, address="198.51.100.1")
    event = last()
    assert event.organization_id is None and event.result == "refused" and event.status == 401


def test_a_failed_sign_in_is_recorded_in_each_organization_of_the_account(
    alice: User, other_org: Organization
) -> None:
    tenancy.add_member(other_org, "alice@acme.test", Role.VIEWER)
    audit.record_sign_in("login.failed", "alice@acme.test", user=None, address="198.51.100.1")
    assert AuditEvent.objects.filter(action="login.failed").count() == 2


def test_events_past_retention_are_trimmed(cp: ControlPlane, settings: Any) -> None:
    settings.KONNECTLITE_AUDIT_RETENTION_DAYS = 30
    old = audit.record("entity.create", organization=cp.organization_id)
    AuditEvent.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=31))
    recent = audit.record("entity.create", organization=cp.organization_id)
    assert audit.trim() == 1
    assert not AuditEvent.objects.filter(pk=old.pk).exists()
    assert AuditEvent.objects.filter(pk=recent.pk).exists()


def test_recording_trims_at_most_once_a_minute(cp: ControlPlane, monkeypatch: Any) -> None:
    old = audit.record("entity.create", organization=cp.organization_id)
    AuditEvent.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=365))
    monkeypatch.setitem(audit._last_trim, "at", -1e9)
    audit.record("entity.update", organization=cp.organization_id)
    assert not AuditEvent.objects.filter(pk=old.pk).exists()
    again = audit.record("entity.create", organization=cp.organization_id)
    AuditEvent.objects.filter(pk=again.pk).update(created_at=timezone.now() - timedelta(days=365))
    audit.record("entity.update", organization=cp.organization_id)
    assert AuditEvent.objects.filter(pk=again.pk).exists()  # trimmed less than a minute ago


def test_a_revert_is_one_event_on_the_control_plane(cp: ControlPlane, as_alice: Any) -> None:
    entities.create_entity(cp, "services", {"name": "s", "host": "b.test"}, actor="a")
    revert_control_plane(cp, 0, actor="a")
    event = last()
    assert (event.action, event.target_type, event.target_label) == (
        "control_plane.revert",
        "control_plane",
        "default",
    )


def test_webhooks_are_recorded_without_their_secret(cp: ControlPlane, as_alice: Any) -> None:
    hook = webhooks.create_webhook(
        cp, url="https://u:p@hooks.example.test/in", events=["node.offline"], secret=None
    )
    webhooks.update_webhook(hook, {"enabled": False})
    webhooks.delete_webhook(hook)
    assert actions()[-3:] == ["webhook.create", "webhook.update", "webhook.delete"]
    assert last().target_label == "https://hooks.example.test/in"
    assert hook.secret not in str(AuditEvent.objects.values_list())
