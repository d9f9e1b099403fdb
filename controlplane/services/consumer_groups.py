"""Consumer-group membership, managed the way Kong's consumer_groups endpoints manage it.

A membership is a ``consumer_group_consumers`` entity naming one group and one consumer; it
goes with either side when that side is deleted. Every function here is one version.
"""

import uuid
from typing import Any

from django.db.models import QuerySet

from controlplane import queries
from controlplane.errors import Conflict, NotFound
from controlplane.models import ControlPlane, Entity, EntityRef
from controlplane.services import store
from controlplane.services.changelog import VersionWriter, now_ts, versioned_write
from kongcore.schema import get_schema

MEMBERSHIP = "consumer_group_consumers"
GROUP, CONSUMER = "consumer_group", "consumer"
_TYPES = {GROUP: "consumer_groups", CONSUMER: "consumers"}


def add_consumers_to_group(
    cp: ControlPlane, group_key: str, consumer_keys: list[str], *, actor: str
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Put consumers into a group; 404 for an unknown one, 409 for one already in it."""
    with versioned_write(cp.pk, actor) as writer:
        group = find(writer.control_plane, GROUP, group_key)
        consumers = [find(writer.control_plane, CONSUMER, key) for key in consumer_keys]
        for key, consumer in zip(consumer_keys, consumers, strict=True):
            _add(writer, group, consumer, f"Consumer '{key}' already in group '{group.entity_id}'")
    return group.data, [consumer.data for consumer in consumers]


def add_consumer_to_groups(
    cp: ControlPlane, consumer_key: str, group_keys: list[str], *, actor: str
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Put a consumer into groups; 404 for an unknown group, 409 for one it is already in."""
    with versioned_write(cp.pk, actor) as writer:
        consumer = find(writer.control_plane, CONSUMER, consumer_key)
        groups = [find(writer.control_plane, GROUP, key) for key in group_keys]
        for key, group in zip(group_keys, groups, strict=True):
            _add(writer, group, consumer, f"Consumer '{consumer_key}' already in group '{key}'")
    return consumer.data, [group.data for group in groups]


def remove_membership(cp: ControlPlane, group_key: str, consumer_key: str, *, actor: str) -> None:
    """Take a consumer out of a group; 404 when it is not in it."""
    with versioned_write(cp.pk, actor) as writer:
        group = find(writer.control_plane, GROUP, group_key)
        consumer = find(writer.control_plane, CONSUMER, consumer_key)
        membership = membership_of(writer.control_plane, group, consumer)
        if membership is None:
            raise not_a_member(group, consumer)
        store.remove(writer, membership)


def clear_memberships(cp: ControlPlane, side: str, key: str, *, actor: str) -> None:
    """Empty a group (``side`` GROUP) or take a consumer out of every group (CONSUMER)."""
    with versioned_write(cp.pk, actor) as writer:
        row = find(writer.control_plane, side, key)
        memberships = list(_memberships(writer.control_plane, side, row))
        if not memberships:
            raise NotFound(f"{'Group' if side == GROUP else 'Consumer'} '{key}' has no memberships")
        for membership in memberships:
            store.remove(writer, membership)


def find(cp: ControlPlane, side: str, key: str) -> Entity:
    """The group or consumer named by id or name/username, or Kong's 404."""
    row = store.find_by_key(cp, _TYPES[side], key)
    if row is None:
        raise NotFound(f"{'Group' if side == GROUP else 'Consumer'} '{key}' not found")
    return row


def members(cp: ControlPlane, side: str, row: Entity) -> QuerySet[Entity]:
    """The other side of ``row``'s memberships: a group's consumers, a consumer's groups."""
    other = CONSUMER if side == GROUP else GROUP
    sources = _membership_refs(cp, side, row).values("source_id")
    ids = EntityRef.objects.filter(control_plane=cp, source_id__in=sources, field=other)
    return queries.entities(cp, _TYPES[other]).filter(entity_id__in=ids.values("target_id"))


def membership_of(cp: ControlPlane, group: Entity, consumer: Entity) -> Entity | None:
    sources = _membership_refs(cp, GROUP, group).values("source_id")
    return (
        Entity.objects.filter(pk__in=sources, entity_type=MEMBERSHIP)
        .filter(refs__field=CONSUMER, refs__target_id=consumer.entity_id)
        .first()
    )


def not_a_member(group: Entity, consumer: Entity) -> NotFound:
    return NotFound(f"Consumer '{consumer.entity_id}' not found in Group '{group.entity_id}'")


def _memberships(cp: ControlPlane, side: str, row: Entity) -> QuerySet[Entity]:
    sources = _membership_refs(cp, side, row).values("source_id")
    return Entity.objects.filter(pk__in=sources, entity_type=MEMBERSHIP)


def _membership_refs(cp: ControlPlane, side: str, row: Entity) -> QuerySet[EntityRef]:
    return EntityRef.objects.filter(
        control_plane=cp, target_type=row.entity_type, target_id=row.entity_id, field=side
    )


def _add(writer: VersionWriter, group: Entity, consumer: Entity, conflict: str) -> None:
    if membership_of(writer.control_plane, group, consumer) is not None:
        raise Conflict(conflict)
    data = get_schema(MEMBERSHIP).validate(
        {
            "id": str(uuid.uuid4()),
            "created_at": now_ts(),
            GROUP: {"id": str(group.entity_id)},
            CONSUMER: {"id": str(consumer.entity_id)},
        }
    )
    store.insert(writer, MEMBERSHIP, data)
