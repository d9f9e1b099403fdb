"""Example plugin: look consumers up by username through a cache that stays correct.

Load it with ``konnectlite-dp run --plugin dataplane.examples.consumer_cache``.

The plugin keeps its own cache, so it owns both ways an entry can go stale:

* a delta changes a consumer: the agent posts a ``crud`` event for ``consumers`` and nothing
  else, so the plugin drops the affected keys itself (the old username, whose entry holds the
  stale consumer, and the new one, which may hold a cached "no such consumer");
* a snapshot swaps the whole config: the plugin purges everything on
  ``declarative:reconfigure``.

Compare naive_consumer_cache.py, which skips the first and serves stale consumers under
incremental sync: the case Kong's incremental config sync docs warn custom plugins about.
"""

from __future__ import annotations

from dataplane.cache import Cache, cache_key
from dataplane.events import CrudEvent, ReconfigureEvent
from dataplane.plugins import PluginContext, StoreView
from dataplane.store import Entity


class ConsumerCache:
    def __init__(self, ctx: PluginContext) -> None:
        self._store: StoreView = ctx.store
        self._cache = Cache()
        ctx.events.register(self.on_consumer_change, "crud", "consumers")
        ctx.events.register(self.on_reconfigure, "declarative:reconfigure")

    def by_username(self, username: str) -> Entity | None:
        """The consumer called ``username``, or None; from the cache after the first call."""
        key = cache_key("consumers", "username", username)
        return self._cache.get(key, self._store.select_by, "consumers", "username", username)

    def on_consumer_change(self, data: CrudEvent) -> None:
        for entity in (data.old_entity, data.entity):
            if entity is not None and isinstance(entity.get("username"), str):
                self._cache.invalidate(cache_key("consumers", "username", entity["username"]))

    def on_reconfigure(self, data: ReconfigureEvent) -> None:
        self._cache.purge()


def init_worker(ctx: PluginContext) -> ConsumerCache:
    return ConsumerCache(ctx)
