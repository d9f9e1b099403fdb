"""What a bundled plugin declares: its config record and where it may be applied."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from kongcore.schema import typedefs as T
from kongcore.schema.checks import Check
from kongcore.schema.fields import Field
from kongcore.schema.record import Record, Shorthand

HTTP_ONLY = ("grpc", "grpcs", "http", "https", "ws", "wss")


@dataclass(frozen=True)
class PluginDef:
    """One plugin's schema.

    `checks` run over the whole plugin entity, so their field names start with
    "config.". The `no_*` flags forbid scoping (Kong's typedefs.no_consumer etc.).
    """

    name: str
    config: Record
    protocols: tuple[str, ...] = HTTP_ONLY
    default_protocols: tuple[str, ...] = T.HTTP_PROTOCOLS
    checks: tuple[Check, ...] = ()
    no_consumer: bool = False
    no_route: bool = False
    no_service: bool = False
    no_consumer_group: bool = False
    extra: dict[str, Any] = field(default_factory=dict)


def config(
    fields: Sequence[tuple[str, Field]],
    *,
    checks: Sequence[Check] = (),
    shorthands: dict[str, Shorthand] | None = None,
) -> Record:
    """A plugin's `config` record; always present, so defaults are always filled."""
    return Record(fields, checks=checks, shorthands=shorthands)
