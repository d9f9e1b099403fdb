"""The organization's audit log, for admins: who did what, when, from where, and the result."""

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from controlplane import audit_log
from controlplane.dashboard.membership import render_page, require_admin
from controlplane.errors import KongError
from controlplane.models import AuditEvent, ControlPlane

EVENTS_PER_PAGE = 50


@login_required
@require_GET
def list_audit_events(request: HttpRequest) -> HttpResponse:
    membership = require_admin(request)
    org = membership.organization
    params = {name: request.GET.get(name, "").strip() for name in audit_log.FILTERS}
    error = ""
    try:
        rows = audit_log.events(org, params).order_by("-id")
    except KongError as exc:
        error, rows = exc.message, AuditEvent.objects.none()
    page = Paginator(rows, EVENTS_PER_PAGE).get_page(request.GET.get("page"))
    control_planes = list(ControlPlane.objects.filter(organization=org).order_by("name"))
    context = {
        "section": "audit",
        "page": page,
        "events": page.object_list,
        "filters": params,
        "filter_query": urlencode({k: v for k, v in params.items() if v}),
        "filter_error": error,
        "control_planes": control_planes,
        # Events outlive their control plane: a deleted one is shown by its id.
        "cp_names": {cp.pk: cp.name for cp in control_planes},
    }
    return render_page(request, membership, "dashboard/audit/list.html", context)
