"""The audit log's writer: who is acting, and one ``record`` call per action.

Who is acting travels in a context variable, so that services record their actor without
every signature growing a parameter. The audit middleware sets it for each HTTP request (the
signed-in user and the client's address), the API's token authentication narrows it to the
token, and outside any request (a management command) the actor is the system, named after
the command.

The trap: ``record`` writes in the caller's transaction, so it must be called inside the
service's ``transaction.atomic`` block; then a rolled-back write leaves no event. Refused
attempts have no write to join and use ``record_refusal``, which commits on its own.
"""

import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from controlplane.models import (
    ActorKind,
    AuditEvent,
    AuditResult,
    ControlPlane,
    Organization,
    User,
)

# Trimming costs a DELETE (in the recording transaction), so a process trims at most this often.
TRIM_INTERVAL_SECONDS = 60


@dataclass
class Actor:
    """Who is acting and from where; mutable, so the API can narrow it to a token."""

    kind: str
    label: str
    address: str = ""
    user_id: int | None = field(default=None)


_current: ContextVar[Actor | None] = ContextVar("konnectlite_audit_actor", default=None)
_last_trim = {"at": 0.0}


@contextmanager
def acting(actor: Actor) -> Iterator[Actor]:
    """Make ``actor`` the current actor for the duration of the block."""
    token = _current.set(actor)
    try:
        yield actor
    finally:
        _current.reset(token)


def current_actor() -> Actor:
    """The request's actor, or the system (named after the management command, if any)."""
    return _current.get() or Actor(ActorKind.SYSTEM, _command_label())


def user_actor(user: User, address: str) -> Actor:
    return Actor(ActorKind.USER, user.email, address, user.pk)


def act_as_token(user: User, token_name: str, token_prefix: str) -> None:
    """Narrow the current request's actor to a token: its user, name and display prefix."""
    actor = _current.get()
    if actor is not None:
        actor.kind = ActorKind.TOKEN
        actor.label = f"{user.email} (token {token_name}, {token_prefix}…)"
        actor.user_id = user.pk


def record(
    action: str,
    *,
    organization: Organization | uuid.UUID | None,
    target_type: str = "",
    target_id: object = "",
    target_label: str = "",
    control_plane_id: uuid.UUID | str | None = None,
    result: str = AuditResult.OK,
    status: int | None = None,
    detail: dict[str, Any] | None = None,
    actor: Actor | None = None,
) -> AuditEvent:
    """Record one event in the current transaction (see the module's trap)."""
    who = actor or current_actor()
    event = AuditEvent.objects.create(
        organization_id=organization.pk if isinstance(organization, Organization) else organization,
        created_at=timezone.now(),
        actor_kind=who.kind,
        actor_label=who.label[:300],
        address=(who.address or "")[:64],
        action=action,
        target_type=target_type,
        target_id=str(target_id or "")[:100],
        target_label=target_label[:300],
        control_plane_id=control_plane_id,
        result=result,
        status=status,
        detail=detail or {},
    )
    trim_if_due()
    return event


def record_on(
    cp: ControlPlane,
    action: str,
    *,
    target_type: str = "control_plane",
    target_id: object = None,
    target_label: str | None = None,
    **fields: Any,
) -> AuditEvent:
    """Record an action on ``cp`` or on something of it (the control plane by default)."""
    return record(
        action,
        organization=cp.organization_id,
        control_plane_id=cp.pk,
        target_type=target_type,
        target_id=cp.pk if target_id is None else target_id,
        target_label=cp.name if target_label is None else target_label,
        **fields,
    )


def record_refusal(action: str, *, status: int, **fields: Any) -> AuditEvent:
    """Record a refused attempt in its own transaction: there is no write for it to join."""
    with transaction.atomic():
        return record(action, result=AuditResult.REFUSED, status=status, **fields)


def trim_if_due() -> None:
    now = time.monotonic()
    if now - _last_trim["at"] < TRIM_INTERVAL_SECONDS:
        return
    _last_trim["at"] = now
    trim()


def trim() -> int:
    """Delete the events older than KONNECTLITE_AUDIT_RETENTION_DAYS; return how many."""
    cutoff = timezone.now() - timedelta(days=settings.KONNECTLITE_AUDIT_RETENTION_DAYS)
    deleted, _ = AuditEvent.objects.filter(created_at__lt=cutoff).delete()
    return deleted


def _command_label() -> str:
    program = Path(sys.argv[0]).name if sys.argv else ""
    if program in ("manage.py", "django-admin") and len(sys.argv) > 1:
        return f"manage.py {sys.argv[1]}"
    return "system"


def record_sign_in(
    action: str, email: str, *, user: User | None, address: str, status: int = 401
) -> None:
    """Record a sign-in attempt once in each organization of the account, in its own
    transaction; an unknown account's failure is recorded with no organization. A failure's
    ``status`` is 401 for wrong credentials, 429 while the account or address is locked out.

    The actor is the address's visitor, named by the email they typed, which may be anyone's.
    """
    account = user or User.objects.filter(email__iexact=email).first()
    kind = ActorKind.USER if user is not None else ActorKind.ANONYMOUS
    actor = Actor(kind, email, address, account.pk if account else None)
    org_ids: list[uuid.UUID | None] = [None]
    if account is not None and account.memberships.exists():
        org_ids = list(account.memberships.values_list("organization_id", flat=True))
    failed = action != "login.succeeded"
    with transaction.atomic():
        for org_id in org_ids:
            record(
                action,
                organization=org_id,
                target_type="user",
                target_id=account.pk if account else "",
                target_label=email,
                result=AuditResult.REFUSED if failed else AuditResult.OK,
                status=status if failed else None,
                actor=actor,
            )
