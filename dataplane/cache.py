"""A process-wide cache for plugins, shaped like Kong's ``kong.cache``.

``get`` runs the loader on a miss and caches whatever it returns, None included: a negative
entry stops a plugin from hitting the store again and again for a consumer that does not exist.
The agent purges the whole cache on every snapshot (Kong flushes its cache on
``declarative:reconfigure``), but not on deltas: a plugin that caches must invalidate its own
keys on ``crud`` events, exactly as with Kong's incremental sync.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")

_MISSING = object()


def cache_key(entity_type: str, *parts: str | int | None) -> str:
    """The cache key of an entity, like Kong's ``kong.db.consumers:cache_key(id)``.

    Extra parts build keys for other lookups, e.g. ``cache_key("consumers", "username", name)``.
    None parts become empty, as in Kong.
    """
    return ":".join([entity_type, *("" if part is None else str(part) for part in parts)])


class Cache:
    """A thread-safe key -> value map with loader-on-miss semantics."""

    def __init__(self) -> None:
        self._values: dict[str, Any] = {}
        self._lock = threading.Lock()
        # Bumped by every invalidate and purge. A loader that ran across a bump may have read
        # data the bump was meant to discard, so its result is returned but not cached.
        self._epoch = 0
        self.hits = 0
        self.misses = 0

    def get(self, key: str, loader: Callable[..., T], *args: Any) -> T:
        """The cached value for ``key``; on a miss, ``loader(*args)``, cached even when None.

        The loader runs outside the lock, so it may use the cache itself; an exception from it
        propagates and caches nothing.
        """
        with self._lock:
            value = self._values.get(key, _MISSING)
            if value is not _MISSING:
                self.hits += 1
                return value
            self.misses += 1
            epoch = self._epoch
        loaded = loader(*args)
        with self._lock:
            if self._epoch == epoch:
                self._values[key] = loaded
        return loaded

    def peek(self, key: str) -> tuple[bool, Any]:
        """(found, value) without calling a loader; for tests and diagnostics."""
        with self._lock:
            value = self._values.get(key, _MISSING)
        return (value is not _MISSING, None if value is _MISSING else value)

    def invalidate(self, key: str) -> None:
        with self._lock:
            self._values.pop(key, None)
            self._epoch += 1

    def purge(self) -> None:
        with self._lock:
            self._values.clear()
            self._epoch += 1

    def __len__(self) -> int:
        with self._lock:
            return len(self._values)
