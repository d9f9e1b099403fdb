"""Worker events, shaped like Kong's ``kong.worker_events``, for plugins to react to changes.

Two sources are posted by the agent:

* ``crud``: one event per changed entity of a delta, posted after the delta is committed. The
  event name is the entity type; a handler may register for ``"consumers"`` (every operation),
  ``"consumers:update"`` (one operation, Kong's ``<type>:<operation>`` channel) or for the
  whole source. Each change is posted once: a handler is never called twice for one change
  unless it registered twice.
* ``declarative``/``reconfigure`` (also written ``"declarative:reconfigure"``): one event per
  snapshot, after the cache was purged.

Handlers run on the agent's apply thread, one after another, in registration order. A handler
that raises is logged and skipped: a plugin bug must never stop the node from syncing.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from kongcore.protocol import Operation

log = logging.getLogger(__name__)

CRUD = "crud"
DECLARATIVE = "declarative"
RECONFIGURE = "reconfigure"

Handler = Callable[[Any], object]


@dataclass(frozen=True)
class CrudEvent:
    """The data of a ``crud`` event. Readable as attributes or, like Kong's table, by key."""

    operation: Operation
    entity_type: str
    entity: dict[str, Any] | None
    old_entity: dict[str, Any] | None

    def __getitem__(self, key: str) -> Any:
        if key not in self.__dataclass_fields__:
            raise KeyError(key)
        return getattr(self, key)


@dataclass(frozen=True)
class ReconfigureEvent:
    """The data of a ``declarative:reconfigure`` event: the config that was just swapped in."""

    version: int
    config_hash: str
    reason: str

    def __getitem__(self, key: str) -> Any:
        if key not in self.__dataclass_fields__:
            raise KeyError(key)
        return getattr(self, key)


@dataclass(frozen=True)
class _Registration:
    source: str
    event: str | None
    handler: Handler


class Events:
    """Handlers registered by source and, optionally, event name."""

    def __init__(self) -> None:
        self._registrations: list[_Registration] = []

    def register(self, handler: Handler, source: str, event: str | None = None) -> None:
        """Call ``handler(data)`` for events of ``source`` (and ``event``, when given).

        ``register(h, "declarative:reconfigure")`` is the same as
        ``register(h, "declarative", "reconfigure")``.
        """
        source, event = _split(source, event)
        self._registrations.append(_Registration(source, event, handler))

    def unregister(self, handler: Handler, source: str, event: str | None = None) -> bool:
        source, event = _split(source, event)
        for registration in self._registrations:
            if registration == _Registration(source, event, handler):
                self._registrations.remove(registration)
                return True
        return False

    def post(self, source: str, event: str, data: Any, *, alias: str | None = None) -> int:
        """Call every matching handler once; return how many were called.

        ``alias`` is a second name the same event answers to (``consumers:update`` for a
        ``consumers`` event), so that one change reaches both kinds of subscriber exactly once.
        """
        names = {event, alias} if alias else {event}
        called = 0
        for registration in list(self._registrations):
            if registration.source == source and registration.event in (None, *names):
                _call(registration.handler, data, source, event)
                called += 1
        return called

    def post_crud(self, data: CrudEvent) -> int:
        alias = f"{data.entity_type}:{data.operation}"
        return self.post(CRUD, data.entity_type, data, alias=alias)

    def post_reconfigure(self, data: ReconfigureEvent) -> int:
        return self.post(DECLARATIVE, RECONFIGURE, data)


def _split(source: str, event: str | None) -> tuple[str, str | None]:
    if event is None and ":" in source:
        source, event = source.split(":", 1)
    return source, event


def _call(handler: Handler, data: Any, source: str, event: str) -> None:
    try:
        handler(data)
    except Exception:
        name = getattr(handler, "__qualname__", repr(handler))
        log.exception("event handler %s failed on %s:%s; sync continues", name, source, event)
