"""Reads of the config store shared by the API and the dashboard: filter and paginate."""

import base64
import binascii
import uuid
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

from controlplane.errors import InvalidOffset, InvalidOptions, InvalidSize
from controlplane.models import ControlPlane, Entity, EntityRef

DEFAULT_PAGE_SIZE = 100
MAX_PAGE_SIZE = 1000


@dataclass
class Page:
    data: list[dict[str, Any]]
    offset: str | None


def entities(
    cp: ControlPlane, entity_type: str, *, parent: Entity | None = None, parent_field: str = ""
) -> QuerySet[Entity]:
    rows = Entity.objects.filter(control_plane=cp, entity_type=entity_type)
    if parent is not None:
        sources = EntityRef.objects.filter(
            control_plane=cp,
            target_type=parent.entity_type,
            target_id=parent.entity_id,
            field=parent_field,
        ).values("source_id")
        rows = rows.filter(pk__in=sources)
    return rows


def filter_tags(rows: QuerySet[Entity], tags: str | None) -> QuerySet[Entity]:
    """Kong's tag filter: ``a,b`` matches entities with all of them, ``a/b`` any of them."""
    if not tags:
        return rows
    if "," in tags and "/" in tags:
        # Kong cannot tell "all of" from "any of" here either.
        raise InvalidOptions(
            "invalid option (tags: invalid filter syntax)", {"tags": "invalid filter syntax"}
        )
    if "/" in tags:
        wanted = Q()
        for tag in filter(None, tags.split("/")):
            wanted |= Q(tags_text__contains=tag_token(tag))
        return rows.filter(wanted)
    for tag in filter(None, tags.split(",")):
        rows = rows.filter(tags_text__contains=tag_token(tag))
    return rows


def tag_token(tag: str) -> str:
    # Tags are stored hex-encoded between commas: LIKE is case-insensitive on SQLite, and
    # Kong's tags are case-sensitive; hex has no case to confuse.
    return "," + tag.encode().hex() + ","


def tags_text(tags: list[str] | None) -> str:
    return "".join(tag_token(tag)[:-1] for tag in tags) + "," if tags else ""


def paginate(rows: QuerySet[Entity], size: str | None, offset: str | None) -> Page:
    """Page through entities by id, as Kong does; the offset is opaque to clients."""
    batch, next_offset = paginate_by(rows.only("entity_id", "data"), "entity_id", size, offset)
    return Page([row.data for row in batch], next_offset)


def paginate_by(
    rows: QuerySet[Any], key: str, size: str | None, offset: str | None
) -> tuple[list[Any], str | None]:
    """One page of ``rows`` ordered by the UUID field ``key``, and the next page's offset."""
    limit = page_size(size)
    rows = rows.order_by(key)
    if offset:
        rows = rows.filter(**{f"{key}__gt": decode_offset(offset)})
    batch = list(rows[: limit + 1])
    if len(batch) <= limit:
        return batch, None
    batch = batch[:limit]
    return batch, encode_offset(getattr(batch[-1], key))


def page_size(size: str | None) -> int:
    """Kong's ``size``: 1 to 1000, 100 when absent."""
    if size is None or size == "":
        return DEFAULT_PAGE_SIZE
    if not (size.isascii() and size.isdigit()):
        raise InvalidSize("size must be a number")
    if not 1 <= int(size) <= MAX_PAGE_SIZE:
        raise InvalidSize(f"size must be an integer between 1 and {MAX_PAGE_SIZE}")
    return int(size)


def encode_offset(last_id: uuid.UUID) -> str:
    return base64.urlsafe_b64encode(last_id.bytes).decode().rstrip("=")


def decode_offset(offset: str) -> uuid.UUID:
    try:
        raw = base64.urlsafe_b64decode(offset + "=" * (-len(offset) % 4))
        return uuid.UUID(bytes=raw)
    except (ValueError, binascii.Error):
        raise InvalidOffset(f"'{offset}' is not a valid offset: bad base64 encoding") from None
