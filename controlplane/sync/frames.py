"""Encoded delta and snapshot frames, each built once per process and shared by all nodes.

A version committed by this process arrives with its frame inside the channel-layer event;
everything else (catch-up deltas, snapshots, versions written by another process whose frame
was too large to ride along) is read from the database here, once, and kept in a small cache.
"""

import asyncio
import uuid
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, NamedTuple

from controlplane.models import Change, ConfigVersion, ControlPlane, Entity
from controlplane.sync.db import database_sync_to_async
from kongcore import protocol
from kongcore.schema import ENTITY_TYPES

DELTA_CACHE_SIZE = 4096
# Deltas of whole declarative files can be megabytes each; the cache keeps this many bytes
# of encoded deltas at most, whatever their number.
DELTA_CACHE_BYTES = 256 * 1024 * 1024
SNAPSHOT_CACHE_SIZE = 8


class Delta(NamedTuple):
    version: int
    committed_at: float
    frame: protocol.Frame
    # The control plane's revocation count when the version committed (see ControlPlane).
    revocation_epoch: int


def encode_delta(
    *, version: int, config_hash: str, committed_at: float, changes: Iterable[protocol.Change]
) -> protocol.Frame:
    """The delta message of one version, as every node receives it: the one place it is built.

    ``changes`` hold each entity before and after, as the change log keeps them; the message
    leaves the entity before to the node (protocol.wire_change).
    """
    message = protocol.delta(
        from_version=version - 1,
        to_version=version,
        config_hash=config_hash,
        committed_at=committed_at,
        changes=[protocol.wire_change(change) for change in changes],
    )
    return protocol.encode(message)


class DeltaCache:
    """An LRU of encoded deltas keyed by (control plane, version), bounded in count and bytes."""

    def __init__(self, size: int, max_bytes: int) -> None:
        self.size = size
        self.max_bytes = max_bytes
        self.bytes = 0
        self._deltas: OrderedDict[tuple[str, int], Delta] = OrderedDict()

    def get(self, cp_id: str, version: int) -> Delta | None:
        delta = self._deltas.get((cp_id, version))
        if delta is not None:
            self._deltas.move_to_end((cp_id, version))
        return delta

    def put(self, cp_id: str, delta: Delta) -> None:
        old = self._deltas.pop((cp_id, delta.version), None)
        if old is not None:
            self.bytes -= old.frame.wire_bytes
        self._deltas[(cp_id, delta.version)] = delta
        self.bytes += delta.frame.wire_bytes
        while len(self._deltas) > self.size or self.bytes > self.max_bytes:
            _, evicted = self._deltas.popitem(last=False)
            self.bytes -= evicted.frame.wire_bytes

    def range(self, cp_id: str, first: int, last: int) -> list[Delta] | None:
        """Every delta from ``first`` to ``last``, or None if any is missing."""
        found = []
        for version in range(first, last + 1):
            delta = self.get(cp_id, version)
            if delta is None:
                return None
            found.append(delta)
        return found


deltas = DeltaCache(DELTA_CACHE_SIZE, DELTA_CACHE_BYTES)
_loading: dict[str, asyncio.Lock] = {}


class VersionGone(Exception):
    """The change log no longer holds a version that was asked for."""


async def delta_frames(cp_id: str, first: int, last: int) -> list[Delta]:
    """Encoded deltas for versions ``first..last``, read from the log at most once.

    When many nodes of one control plane need the same missing versions at once (a large
    delta that did not ride in its event, or a fleet reconnecting), one of them reads the
    log and the others wait for it and take the result from the cache.
    """
    found = deltas.range(cp_id, first, last)
    if found is None:
        async with _loading.setdefault(cp_id, asyncio.Lock()):
            found = deltas.range(cp_id, first, last)
            if found is None:
                found = await _load_deltas(cp_id, first, last)
                for delta in found:
                    deltas.put(cp_id, delta)
    if [delta.version for delta in found] != list(range(first, last + 1)):
        raise VersionGone(first)
    return found


@database_sync_to_async
def _load_deltas(cp_id: str, first: int, last: int) -> list[Delta]:
    versions = ConfigVersion.objects.filter(
        control_plane_id=uuid.UUID(cp_id), version__gte=first, version__lte=last
    ).order_by("version")
    changes: dict[int, list[protocol.Change]] = {}
    rows = Change.objects.filter(config_version__in=versions).order_by("config_version_id", "seq")
    for row in rows.values("config_version_id", "op", "entity_type", "entity", "old_entity"):
        change: protocol.Change = {
            "op": row["op"],  # type: ignore[typeddict-item]  # a column with Operation choices
            "entity_type": row["entity_type"],
            "entity": row["entity"],
            "old_entity": row["old_entity"],
        }
        changes.setdefault(row["config_version_id"], []).append(change)
    return [_delta(version, changes.get(version.pk, [])) for version in versions]


def _delta(version: ConfigVersion, changes: list[protocol.Change]) -> Delta:
    committed_at = version.created_at.timestamp()
    frame = encode_delta(
        version=version.version,
        config_hash=version.config_hash,
        committed_at=committed_at,
        changes=changes,
    )
    return Delta(version.version, committed_at, frame, version.revocation_epoch)


@dataclass(frozen=True)
class Snapshot:
    version: int
    config_hash: str
    committed_at: float
    frame: protocol.Frame
    revocation_epoch: int


async def snapshot_frame(cp_id: str, reason: str, version_hint: int | None = None) -> Snapshot:
    """The current config as an encoded snapshot message, built once per version and reason.

    ``version_hint`` is the version the caller knows to be current (from an event); when its
    snapshot is cached, no database query is made.
    """
    if version_hint is not None and (cached := _snapshots.get((cp_id, version_hint, reason))):
        return cached
    version = await _current_version(cp_id)
    key = (cp_id, version, reason)
    cached = _snapshots.get(key)
    if cached is not None:
        return cached
    if key not in _building:
        _building[key] = asyncio.ensure_future(_build_snapshot(cp_id, reason))
        _building[key].add_done_callback(lambda _: _building.pop(key, None))
    snapshot = await asyncio.shield(_building[key])
    _snapshots[(cp_id, snapshot.version, reason)] = snapshot
    while len(_snapshots) > SNAPSHOT_CACHE_SIZE:
        _snapshots.popitem(last=False)
    return snapshot


_snapshots: OrderedDict[tuple[str, int, str], Snapshot] = OrderedDict()
_building: dict[tuple[str, int, str], asyncio.Future[Snapshot]] = {}


@database_sync_to_async
def _current_version(cp_id: str) -> int:
    return int(ControlPlane.objects.filter(pk=cp_id).values_list("config_version", flat=True).get())


@database_sync_to_async
def _build_snapshot(cp_id: str, reason: str) -> Snapshot:
    """Read the config consistently without taking a write lock, then encode it once.

    Every write bumps the version in the transaction that changes entities, so an unchanged
    version before and after reading the entities means the read saw one version.
    """
    while True:
        before = ControlPlane.objects.values(
            "config_version", "config_hash", "updated_at", "revocation_epoch"
        )
        head = before.get(pk=cp_id)
        config = _read_config(cp_id)
        if before.get(pk=cp_id)["config_version"] == head["config_version"]:
            break
    message = protocol.snapshot(
        version=head["config_version"],
        config_hash=head["config_hash"],
        committed_at=head["updated_at"].timestamp(),
        reason=reason,
        config=config,
    )
    # Compressed only past COMPRESS_THRESHOLD, as every other message (docs/sync-protocol.md).
    frame = protocol.encode(message)
    return Snapshot(
        head["config_version"],
        head["config_hash"],
        message["committed_at"],
        frame,
        head["revocation_epoch"],
    )


def _read_config(cp_id: str) -> dict[str, list[dict[str, Any]]]:
    config: dict[str, list[dict[str, Any]]] = {kind: [] for kind in ENTITY_TYPES}
    rows = Entity.objects.filter(control_plane_id=uuid.UUID(cp_id)).order_by(
        "entity_type", "entity_id"
    )
    for kind, data in rows.values_list("entity_type", "data").iterator(chunk_size=2000):
        config.setdefault(kind, []).append(data)
    return {kind: items for kind, items in config.items() if items}
