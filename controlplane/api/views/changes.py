"""``/v2/control-planes/{id}/changes?after=V``: the change log, version by version."""

import re
from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from controlplane import queries
from controlplane.api.base import OrgAPIView
from controlplane.api.schema import AFTER, PAGE, ChangeLogPageSerializer, documented
from controlplane.errors import SchemaViolationError
from controlplane.models import ConfigVersion


def version_representation(version: ConfigVersion) -> dict[str, Any]:
    return {
        "version": version.version,
        "created_at": version.created_at.isoformat(),
        "actor": version.actor,
        "config_hash": version.config_hash,
        "change_count": version.change_count,
        "raw_bytes": version.raw_bytes,
        "wire_bytes": version.wire_bytes,
        "changes": [
            {
                "op": change.op,
                "entity_type": change.entity_type,
                "entity_id": str(change.entity_id),
                "entity": change.entity,
                "old_entity": change.old_entity,
            }
            for change in version.changes.all()
        ],
    }


class ChangeLogView(OrgAPIView):
    @extend_schema(**documented("GET", ChangeLogPageSerializer, parameters=[AFTER, PAGE[0]]))
    def get(self, request: Request, cp_id: str) -> Response:
        cp = self.control_plane()
        after = request.query_params.get("after") or "0"
        if not re.fullmatch(r"-?[0-9]+", after):
            raise SchemaViolationError.single("after", "expected an integer")
        limit = queries.page_size(request.query_params.get("size"))
        versions = list(
            ConfigVersion.objects.filter(control_plane=cp, version__gt=int(after))
            .order_by("version")
            .prefetch_related("changes")[: limit + 1]
        )
        more = len(versions) > limit
        versions = versions[:limit]
        next_url = f"{request.path}?after={versions[-1].version}&size={limit}" if more else None
        return Response(
            {
                "data": [version_representation(v) for v in versions],
                "next": next_url,
                "config_version": cp.config_version,
            }
        )
