"""The change history of a control plane: every version, who made it, what it changed."""

from collections import defaultdict
from dataclasses import dataclass
from uuid import UUID

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from controlplane.dashboard.entities import display_name, singular
from controlplane.dashboard.membership import control_plane_for, render_page, require_membership
from controlplane.models import Change, ConfigVersion, ControlPlane

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
    context = {"cp": cp, "tab": "history", "page": page, "versions": version_lines(list(page))}
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
        "changes": [(change_line(c), c) for c in page],
    }
    return render_page(request, membership, "dashboard/changes/detail.html", context)
