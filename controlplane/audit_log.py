"""Reads of the audit log shared by the API and the dashboard: filter, page, represent."""

import base64
import binascii
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from controlplane.errors import InvalidOffset, SchemaViolationError
from controlplane.models import AuditEvent, AuditResult, Organization
from controlplane.queries import page_size

# The query parameters both the API and the dashboard accept.
FILTERS = ("action", "actor", "result", "control_plane", "since", "until")


@dataclass
class EventPage:
    events: list[AuditEvent]
    offset: str | None


def events(org: Organization, params: dict[str, str]) -> QuerySet[AuditEvent]:
    """``org``'s events matching ``params`` (see FILTERS); a bad value is a 400 naming it.

    ``action`` is exact, or a prefix when it ends with ``.`` (``entity.``); several actions
    may be given comma-separated. ``actor`` matches part of the actor's label.
    """
    rows = AuditEvent.objects.filter(organization=org)
    if actions := [a.strip() for a in params.get("action", "").split(",") if a.strip()]:
        rows = rows.filter(_action_filter(actions))
    if actor := params.get("actor", "").strip():
        rows = rows.filter(actor_label__icontains=actor)
    if result := params.get("result", ""):
        if result not in AuditResult.values:
            raise SchemaViolationError.single("result", "expected one of: ok, refused")
        rows = rows.filter(result=result)
    if cp_id := params.get("control_plane", ""):
        rows = rows.filter(control_plane_id=_uuid("control_plane", cp_id))
    if since := params.get("since", ""):
        rows = rows.filter(created_at__gte=_moment("since", since))
    if until := params.get("until", ""):
        rows = rows.filter(created_at__lt=_moment("until", until))
    return rows


def _action_filter(actions: list[str]) -> Any:
    wanted = Q()
    for action in actions:
        wanted |= Q(action__startswith=action) if action.endswith(".") else Q(action=action)
    return wanted


def page(rows: QuerySet[AuditEvent], size: str | None, offset: str | None) -> EventPage:
    """One page, newest first, and the opaque offset of the next (None on the last page)."""
    limit = page_size(size)
    rows = rows.order_by("-id")
    if offset:
        rows = rows.filter(id__lt=_decode_offset(offset))
    batch = list(rows[: limit + 1])
    if len(batch) <= limit:
        return EventPage(batch, None)
    return EventPage(batch[:limit], _encode_offset(batch[limit - 1].pk))


def representation(event: AuditEvent) -> dict[str, Any]:
    return {
        "id": event.pk,
        "created_at": event.created_at.isoformat(),
        "actor": {"kind": event.actor_kind, "label": event.actor_label},
        "address": event.address,
        "action": event.action,
        "target": {
            "type": event.target_type,
            "id": event.target_id,
            "label": event.target_label,
        },
        "control_plane_id": str(event.control_plane_id) if event.control_plane_id else None,
        "result": event.result,
        "status": event.status,
        "detail": event.detail,
    }


def _uuid(name: str, value: str) -> uuid.UUID:
    try:
        return uuid.UUID(value)
    except ValueError:
        raise SchemaViolationError.single(name, "expected a UUID") from None


def _moment(name: str, value: str) -> datetime:
    """An ISO 8601 date or date-time; without a zone it is UTC."""
    try:
        moment = parse_datetime(value)
        if moment is None and (day := parse_date(value)) is not None:
            moment = datetime(day.year, day.month, day.day, tzinfo=UTC)
        if moment is not None:
            # In UTC now: the database compares in UTC, and years at the edge overflow here.
            return (
                moment.replace(tzinfo=UTC) if timezone.is_naive(moment) else moment.astimezone(UTC)
            )
    except (ValueError, OverflowError):
        pass
    raise SchemaViolationError.single(name, "expected an ISO 8601 date or date-time")


def _encode_offset(last_id: int) -> str:
    return base64.urlsafe_b64encode(last_id.to_bytes(8, "big")).decode().rstrip("=")


def _decode_offset(offset: str) -> int:
    try:
        raw = base64.urlsafe_b64decode(offset + "=" * (-len(offset) % 4))
    except (ValueError, binascii.Error):
        raw = b""
    if len(raw) != 8 or raw[0] & 0x80:  # ids are positive signed 64-bit integers
        raise InvalidOffset(f"'{offset}' is not a valid offset: bad base64 encoding")
    return int.from_bytes(raw, "big")
