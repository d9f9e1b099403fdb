"""The change history of a control plane: every version, who made it, what it changed,
and reverting to one of them (its diff first, then the revert on confirmation)."""

import json
from collections import defaultdict
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.text import capfirst
from django.views.decorators.http import require_GET, require_POST

from controlplane.dashboard.declarative import LINES_SHOWN, diff_view
from controlplane.dashboard.entities import display_name, singular
from controlplane.dashboard.membership import (
    actor,
    control_plane_for,
    render_page,
    require_admin,
    require_membership,
)
from controlplane.dashboard.responses import redirect_to
from controlplane.declarative.diff import changed_fields
from controlplane.declarative.plan import Planned
from controlplane.errors import Conflict, KongError
from controlplane.models import Change, ConfigVersion, ControlPlane
from controlplane.services.revert import Revert, revert_control_plane, revertible_versions

VERSIONS_PER_PAGE = 25
CHANGES_PER_PAGE = 100
# A declarative apply can change 30,000 entities in one version; the list shows the first few.
CHANGES_PREVIEWED = 5


@dataclass(frozen=True)
class ChangeLine:
    op: str
    entity_type: str
    type_label: str
    entity_id: str
    name: str


@dataclass
class VersionLine:
    version: ConfigVersion
    changes: list[ChangeLine]

    @property
    def more(self) -> int:
        return max(0, self.version.change_count - len(self.changes))


def change_line(change: Change) -> ChangeLine:
    data = change.entity or change.old_entity
    return ChangeLine(
        op=change.op,
        entity_type=change.entity_type,
        type_label=singular(change.entity_type),
        entity_id=str(change.entity_id),
        name=display_name(change.entity_type, data),
    )


def version_lines(versions: list[ConfigVersion]) -> list[VersionLine]:
    """Each version with a preview of its changes, in one query for all of them."""
    previews: dict[int, list[ChangeLine]] = defaultdict(list)
    changes = Change.objects.filter(config_version__in=versions, seq__lt=CHANGES_PREVIEWED)
    for change in changes.order_by("config_version_id", "seq"):
        previews[change.config_version_id].append(change_line(change))
    return [VersionLine(v, previews[v.pk]) for v in versions]


def recent_versions(cp: ControlPlane, count: int) -> list[VersionLine]:
    rows = ConfigVersion.objects.filter(control_plane=cp).order_by("-version")[:count]
    return version_lines(list(rows))


@login_required
@require_GET
def list_changes(request: HttpRequest, cp_id: UUID) -> HttpResponse:
    membership = require_membership(request)
    cp = control_plane_for(membership, cp_id)
    rows = ConfigVersion.objects.filter(control_plane=cp).order_by("-version")
    page = Paginator(rows, VERSIONS_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "cp": cp,
        "tab": "history",
        "page": page,
        "versions": version_lines(list(page)),
        "oldest_revertible": revertible_versions(cp).start,
    }
    return render_page(request, membership, "dashboard/changes/list.html", context)


@login_required
@require_GET
def show_version(request: HttpRequest, cp_id: UUID, version: int) -> HttpResponse:
    membership = require_membership(request)
    cp = control_plane_for(membership, cp_id)
    row = ConfigVersion.objects.filter(control_plane=cp, version=version).first()
    if row is None:
        raise Http404("this version is not in the change log (it may have been compacted)")
    changes = Change.objects.filter(config_version=row).order_by("seq")
    page = Paginator(changes, CHANGES_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "cp": cp,
        "tab": "history",
        "version": row,
        "page": page,
        "revertible": version < cp.config_version,
        "changes": [(change_line(c), c) for c in page],
    }
    return render_page(request, membership, "dashboard/changes/detail.html", context)


# --- reverting to a version --------------------------------------------------------------


@dataclass(frozen=True)
class FieldChange:
    name: str
    now: str
    after: str


@dataclass(frozen=True)
class RevertLine:
    """One entity of a revert's diff, with what changes for it."""

    op: str
    entity_type: str
    type_label: str
    name: str
    entity_id: str
    reason: str
    fields: tuple[FieldChange, ...] = ()
    entity: dict[str, Any] | None = None  # the entity created or deleted


def revert_lines(result: Revert) -> list[RevertLine]:
    """The revert's changes in the order they are written, the first LINES_SHOWN of them."""
    plan = result.plan
    ordered = [
        *(("delete", item) for item in plan.deletes),
        *(("update", item) for item in plan.updates),
        *(("create", item) for item in plan.creates),
    ]
    return [_revert_line(op, item) for op, item in ordered[:LINES_SHOWN]]


def _revert_line(op: str, item: Planned) -> RevertLine:
    now = item.old.data if item.old is not None else None
    fields: tuple[FieldChange, ...] = ()
    if op == "update" and now is not None:
        fields = tuple(
            change
            for name in changed_fields(now, item.data)
            for change in _field_changes(name, now.get(name), item.data.get(name))
        )
    return RevertLine(
        op=op,
        entity_type=item.entity_type,
        type_label=singular(item.entity_type),
        name=display_name(item.entity_type, item.data),
        entity_id=str(item.data.get("id", "")),
        reason=item.reason or "",
        fields=fields,
        entity=item.data if op != "update" else None,
    )


def _field_changes(path: str, now: Any, after: Any) -> list[FieldChange]:
    """A changed field; within records (a plugin's ``config``), each changed leaf by its path."""
    if not (isinstance(now, dict) and isinstance(after, dict)):
        return [FieldChange(path, _shown(now), _shown(after))]
    names = sorted(name for name in {*now, *after} if now.get(name) != after.get(name))
    return [
        c
        for name in names
        for c in _field_changes(f"{path}.{name}", now.get(name), after.get(name))
    ]


def _shown(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


@login_required
@require_GET
def review_revert(request: HttpRequest, cp_id: UUID, version: int) -> HttpResponse:
    """The diff a revert to ``version`` would make; nothing is written until confirmed."""
    membership = require_admin(request)
    cp = control_plane_for(membership, cp_id)
    try:
        result = revert_control_plane(cp, version, actor=actor(request), dry_run=True)
    except KongError as exc:
        messages.error(request, capfirst(exc.message))
        return redirect_to(request, reverse("dashboard:changes", args=[cp.pk]))
    context = {
        "cp": cp,
        "tab": "history",
        "revert": result,
        "diff": diff_view(result.diff),
        "lines": revert_lines(result),
    }
    return render_page(request, membership, "dashboard/changes/revert.html", context)


@login_required
@require_POST
def revert_to_version(request: HttpRequest, cp_id: UUID, version: int) -> HttpResponse:
    """Revert as reviewed: if the config moved since the review, show the new diff instead."""
    membership = require_admin(request)
    cp = control_plane_for(membership, cp_id)
    review = reverse("dashboard:review-revert", args=[cp.pk, version])
    reviewed = request.POST.get("base_version", "")
    if not reviewed.isdigit():
        messages.warning(request, "Review the diff before reverting.")
        return redirect_to(request, review)
    try:
        result = revert_control_plane(cp, version, actor=actor(request), base_version=int(reviewed))
    except Conflict as exc:
        messages.warning(request, capfirst(exc.message))
        return redirect_to(request, review)
    except KongError as exc:
        messages.error(request, capfirst(exc.message))
        return redirect_to(request, reverse("dashboard:changes", args=[cp.pk]))
    messages.success(request, capfirst(result.message) + ".")
    return redirect_to(request, reverse("dashboard:changes", args=[cp.pk]))
