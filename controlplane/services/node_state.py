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
from controlplane.services.publisher import apublish
from controlplane.sync.db import database_sync_to_async

logger = logging.getLogger(__name__)

FLUSH_INTERVAL = 0.5
# Sync history kept per node, for its page in the dashboard; trimmed every TRIM_EVERY records
# rather than on every write.
HISTORY_PER_NODE = 200
TRIM_EVERY = 50


@dataclass
class Pending:
    fields: dict[str, Any] = field(default_factory=dict)
    records: list[NodeSyncRecord] = field(default_factory=list)
    cp_id: str = ""


class NodeStateWriter:
    def __init__(self) -> None:
        self._pending: dict[str, Pending] = {}
        self._task: asyncio.Task[None] | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._since_trim: dict[str, int] = {}

    def update(self, cp_id: str, node_id: str, **fields: Any) -> None:
        entry = self._pending.setdefault(node_id, Pending(cp_id=cp_id))
        entry.fields.update(fields)
        self._ensure_running()

    def record(self, cp_id: str, node_id: str, record: NodeSyncRecord) -> None:
        entry = self._pending.setdefault(node_id, Pending(cp_id=cp_id))
        entry.records.append(record)
        self._ensure_running()

    async def flush(self) -> None:
        """Write every pending change now, then announce the changed nodes."""
        if not self._pending:
            return
        batch, self._pending = self._pending, {}
        try:
            await _write(batch, self._due_for_trim(batch))
        except Exception:
            logger.exception("could not write the state of %d nodes", len(batch))
            return
        for node_id, entry in batch.items():
            await apublish(
                events.live_group(entry.cp_id),
                events.live_node(control_plane_id=entry.cp_id, node={"id": node_id}),
            )

    def _due_for_trim(self, batch: dict[str, Pending]) -> list[str]:
        due = []
        for node_id, entry in batch.items():
            count = self._since_trim.get(node_id, 0) + len(entry.records)
            self._since_trim[node_id] = 0 if count >= TRIM_EVERY else count
            if count >= TRIM_EVERY:
                due.append(node_id)
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
def _write(batch: dict[str, Pending], trim: list[str]) -> None:
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
        for node_id in trim:
            _trim_history(node_id)


def _trim_history(node_id: str) -> None:
    keep = NodeSyncRecord.objects.filter(node_id=uuid.UUID(node_id)).order_by("-at")[
        HISTORY_PER_NODE:
    ]
    stale = list(keep.values_list("pk", flat=True)[:1000])
    if stale:
        NodeSyncRecord.objects.filter(pk__in=stale).delete()


writer = NodeStateWriter()
