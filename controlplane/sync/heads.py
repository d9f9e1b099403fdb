"""What each sync connection checks its node against, read from the database, not the layer.

Channel-layer messages can be lost (Redis down, a process restarting), so a connection does
not rely on them alone. Every half heartbeat interval it compares its node with the control
plane's **head** (version, hash, sync mode, revocation count), and before delivering any
version it makes sure its node was not revoked before that version committed.

Both reads are shared by all the connections of a process: one query per control plane per
``max_age`` for heads, and one per control plane per revocation for the revoked set, however
many nodes are connected. A delivery itself costs an integer comparison.
"""

import asyncio
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from controlplane.models import ControlPlane, DataPlaneNode
from controlplane.sync.db import database_sync_to_async
from kongcore import protocol

T = TypeVar("T")


@dataclass(frozen=True)
class Head:
    version: int
    config_hash: str
    sync_mode: protocol.SyncMode
    revocation_epoch: int


@dataclass(frozen=True)
class Revoked:
    """The revoked nodes of a control plane as of (at least) ``epoch`` revocations."""

    epoch: int
    node_ids: frozenset[str]


class _Shared(Generic[T]):
    """A value per control plane, read by one caller while the others wait for its result."""

    def __init__(self, read: Callable[[str], Awaitable[T]]) -> None:
        self._read = read
        self._values: dict[str, tuple[float, T]] = {}
        self._reading: dict[str, asyncio.Future[T]] = {}

    def cached(self, cp_id: str) -> tuple[float, T] | None:
        return self._values.get(cp_id)

    async def refresh(self, cp_id: str) -> T:
        future = self._reading.get(cp_id)
        if future is None:
            future = asyncio.ensure_future(self._read(cp_id))
            self._reading[cp_id] = future
            future.add_done_callback(lambda _: self._reading.pop(cp_id, None))
        value = await asyncio.shield(future)
        self._values[cp_id] = (time.monotonic(), value)
        return value


@database_sync_to_async
def _read_head(cp_id: str) -> Head | None:
    row = (
        ControlPlane.objects.filter(pk=uuid.UUID(cp_id))
        .values("config_version", "config_hash", "incremental_sync", "revocation_epoch")
        .first()
    )
    if row is None:
        return None
    return Head(
        version=row["config_version"],
        config_hash=row["config_hash"],
        sync_mode=protocol.INCREMENTAL if row["incremental_sync"] else protocol.FULL,
        revocation_epoch=row["revocation_epoch"],
    )


@database_sync_to_async
def _read_revoked(cp_id: str) -> Revoked:
    # The epoch first: the set read after it is at least as new as the epoch says.
    epoch = (
        ControlPlane.objects.filter(pk=uuid.UUID(cp_id))
        .values_list("revocation_epoch", flat=True)
        .first()
    )
    node_ids = DataPlaneNode.objects.filter(
        control_plane_id=uuid.UUID(cp_id), revoked_at__isnull=False
    ).values_list("pk", flat=True)
    return Revoked(epoch if epoch is not None else -1, frozenset(str(pk) for pk in node_ids))


_heads: _Shared[Head | None] = _Shared(_read_head)
_revoked: _Shared[Revoked] = _Shared(_read_revoked)


async def head(cp_id: str, max_age: float) -> Head | None:
    """The control plane's head, at most ``max_age`` seconds old; None once it is deleted."""
    cached = _heads.cached(cp_id)
    if cached is not None and time.monotonic() - cached[0] <= max_age:
        return cached[1]
    return await _heads.refresh(cp_id)


async def is_revoked(cp_id: str, node_id: str, epoch: int) -> bool:
    """Whether ``node_id`` is among the revocations counted up to ``epoch``.

    A control plane that no longer exists (epoch -1) has revoked every node.
    """
    cached = _revoked.cached(cp_id)
    known = cached[1] if cached is not None else None
    if known is None or 0 <= known.epoch < epoch:
        known = await _revoked.refresh(cp_id)
    return known.epoch < 0 or node_id in known.node_ids
