"""Loading plugins: importable modules that define ``init_worker(ctx)``.

The agent imports each module named by ``--plugin`` or ``KONNECTLITE_PLUGINS`` once at startup
and calls its ``init_worker`` with a PluginContext, much like Kong calls a plugin handler's
``init_worker`` in each nginx worker. That is where a plugin registers its event handlers.
A plugin that cannot be loaded stops the agent: running without it would be silently wrong.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from types import ModuleType
from typing import Any

from dataplane.cache import Cache
from dataplane.events import Events
from dataplane.store import Entity, Store

PLUGINS_ENV = "KONNECTLITE_PLUGINS"


class PluginError(Exception):
    """A plugin could not be imported or its init_worker failed."""


class StoreView:
    """Read-only access to the node's entities; what plugins get instead of the store.

    Returned entities are shared with the store's index: do not mutate them.
    """

    def __init__(self, store: Store) -> None:
        self._store = store

    @property
    def version(self) -> int:
        return self._store.version

    def get(self, entity_type: str, entity_id: str) -> Entity | None:
        return self._store.get(entity_type, entity_id)

    def select_by(self, entity_type: str, field: str, value: str | int) -> Entity | None:
        """E.g. ``select_by("consumers", "username", "alice")``; see Store.select_by."""
        return self._store.select_by(entity_type, field, value)

    def entities(self, entity_type: str) -> list[Entity]:
        return self._store.entities(entity_type)


@dataclass(frozen=True)
class PluginContext:
    """What ``init_worker(ctx)`` receives."""

    events: Events
    cache: Cache
    store: StoreView
    log: logging.Logger
    node_id: str


@dataclass(frozen=True)
class LoadedPlugin:
    name: str
    module: ModuleType
    instance: Any  # whatever init_worker returned; lets tests and other plugins reach it


def parse_plugin_list(value: str | None) -> list[str]:
    """``"a.b, c.d"`` -> ``["a.b", "c.d"]``."""
    return [name.strip() for name in (value or "").split(",") if name.strip()]


def load_plugins(
    names: Iterable[str], *, events: Events, cache: Cache, store: Store, node_id: str
) -> list[LoadedPlugin]:
    """Import each plugin module once, in order, and call its ``init_worker(ctx)``."""
    loaded: list[LoadedPlugin] = []
    view = StoreView(store)
    for name in dict.fromkeys(names):
        module = _import(name)
        init_worker = getattr(module, "init_worker", None)
        if not callable(init_worker):
            raise PluginError(f"plugin {name} defines no init_worker(ctx)")
        ctx = PluginContext(events, cache, view, logging.getLogger(f"plugin.{name}"), node_id)
        try:
            instance = init_worker(ctx)
        except Exception as exc:
            raise PluginError(f"plugin {name}: init_worker failed: {exc!r}") from exc
        logging.getLogger(__name__).info("plugin %s loaded", name)
        loaded.append(LoadedPlugin(name, module, instance))
    return loaded


def _import(name: str) -> ModuleType:
    try:
        return importlib.import_module(name)
    except Exception as exc:
        raise PluginError(f"cannot import plugin {name}: {exc!r}") from exc
