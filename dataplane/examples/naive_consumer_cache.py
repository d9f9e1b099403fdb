"""Example of what NOT to do: cache consumer lookups and never invalidate them.

It uses the agent's shared cache, which the agent purges on every snapshot, so it looks
correct in full sync mode, where every change arrives as a snapshot. Under incremental sync a
changed consumer arrives as a delta: the agent only posts a ``crud`` event, this plugin ignores
it, and ``by_username`` keeps returning the old consumer until the next snapshot.
consumer_cache.py is the fix. tests/dataplane/test_dp_example_plugins.py shows both.
"""

from __future__ import annotations

from dataplane.cache import Cache, cache_key
from dataplane.plugins import PluginContext, StoreView
from dataplane.store import Entity


class NaiveConsumerCache:
    def __init__(self, ctx: PluginContext) -> None:
        self._store: StoreView = ctx.store
        self._cache: Cache = ctx.cache

    def by_username(self, username: str) -> Entity | None:
        key = cache_key("consumers", "username", username)
        return self._cache.get(key, self._store.select_by, "consumers", "username", username)


def init_worker(ctx: PluginContext) -> NaiveConsumerCache:
    return NaiveConsumerCache(ctx)
