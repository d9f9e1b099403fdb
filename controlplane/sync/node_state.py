"""Node state, kept in memory by each connection and written to the database in batches.

Acks and pings arrive from every node after every version; writing each one at once would
put a database write per node on the hot path. Instead a connection updates its node's
fields here, and one task per process writes all changed nodes every FLUSH_INTERVAL in one
transaction, then announces them on each control plane's live group.
"""

import asyncio
import logging
import uuid
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from controlplane import events
from controlplane.models import DataPlaneNode, NodeSyncRecord
from controlplane.sync import webhook_outbox
from controlplane.sync.db import database_sync_to_async
from controlplane.sync.publish import apublish

logger = logging.getLogger(__name__)

FLUSH_INTERVAL = 0.5
# Sync history kept for the dashboard: the records of the last HISTORY_VERSIONS versions of
# each control plane. One indexed DELETE per control plane trims it, every TRIM_EVERY
# versions, in its own short transaction: per-node trimming inside the batch held SQLite's
# write lock long enough to delay commits (bench/, commit-to-ack p99 at 100 nodes).
HISTORY_VERSIONS = 200
TRIM_EVERY = 50


@dataclass
class Pending:
    fields: dict[str, Any] = field(default_factory=dict)
    records: list[NodeSyncRecord] = field(default_factory=list)
    nacks: list[dict[str, Any]] = field(default_factory=list)
    cp_id: str = ""


class NodeStateWriter:
    def __init__(self) -> None:
        self._pending: dict[str, Pending] = {}
        self._task: asyncio.Task[None] | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._trimmed_at: dict[str, int] = {}

    def update(self, cp_id: str, node_id: str, **fields: Any) -> None:
        entry = self._pending.setdefault(node_id, Pending(cp_id=cp_id))
        entry.fields.update(fields)
        self._ensure_running()

    def record(self, cp_id: str, node_id: str, record: NodeSyncRecord) -> None:
        entry = self._pending.setdefault(node_id, Pending(cp_id=cp_id))
        entry.records.append(record)
        self._ensure_running()

    def nack(self, cp_id: str, node_id: str, message: dict[str, Any]) -> None:
        """A refused version: announced to the ``node.nack`` webhooks with the next batch."""
        entry = self._pending.setdefault(node_id, Pending(cp_id=cp_id))
        entry.nacks.append(message)
        self._ensure_running()

    async def flush(self) -> None:
        """Write every pending change now, then announce the changed nodes."""
        if not self._pending:
            return
        batch, self._pending = self._pending, {}
        try:
            await _write(batch)
            for cp_id, version in self._due_for_trim(batch).items():
                await _trim_history(cp_id, version - HISTORY_VERSIONS)
        except Exception:
            logger.exception("could not write the state of %d nodes", len(batch))
            return
        for node_id, entry in batch.items():
            announced = await apublish(
                events.live_group(entry.cp_id),
                events.live_node(control_plane_id=entry.cp_id, node={"id": node_id}),
            )
            if not announced:  # the layer is down: one warning per batch, not one per node
                return

    def _due_for_trim(self, batch: dict[str, Pending]) -> dict[str, int]:
        """Control planes whose newest recorded version moved TRIM_EVERY past the last trim."""
        newest: dict[str, int] = {}
        for entry in batch.values():
            for record in entry.records:
                newest[entry.cp_id] = max(newest.get(entry.cp_id, 0), record.version)
        due = {}
        for cp_id, version in newest.items():
            if version - self._trimmed_at.setdefault(cp_id, version) >= TRIM_EVERY:
                self._trimmed_at[cp_id] = version
                due[cp_id] = version
        return due

    def _ensure_running(self) -> None:
        loop = asyncio.get_running_loop()
        if self._task is None or self._task.done() or self._loop is not loop:
            self._loop = loop
            self._task = loop.create_task(self._run())

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(FLUSH_INTERVAL)
            await self.flush()
            if not self._pending:
                return


@database_sync_to_async
def _write(batch: dict[str, Pending]) -> None:
    with transaction.atomic():
        for node_id, entry in batch.items():
            if entry.fields:
                DataPlaneNode.objects.filter(pk=uuid.UUID(node_id)).update(**entry.fields)
        alive = {
            str(pk)
            for pk in DataPlaneNode.objects.filter(
                pk__in=[uuid.UUID(n) for n in batch]
            ).values_list("pk", flat=True)
        }
        records = [r for node_id in alive for r in batch[node_id].records]
        NodeSyncRecord.objects.bulk_create(records)
        for node_id in alive:
            for message in batch[node_id].nacks:
                webhook_outbox.enqueue_nack(batch[node_id].cp_id, node_id, message)


@database_sync_to_async
def _trim_history(cp_id: str, below_version: int) -> None:
    NodeSyncRecord.objects.filter(
        control_plane_id=uuid.UUID(cp_id), version__lt=below_version
    ).delete()


writer = NodeStateWriter()
