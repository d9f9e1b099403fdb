"""Data-plane nodes: the live table, one node's sync history, and adding a node."""

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from controlplane.access import get_node, get_registration_token
from controlplane.dashboard.chart import sync_chart
from controlplane.dashboard.forms import RegistrationTokenForm
from controlplane.dashboard.membership import (
    control_plane_for,
    render_page,
    require_admin,
    require_membership,
    user_of,
)
from controlplane.dashboard.nodes import (
    STATUS_LABELS,
    NodeFilter,
    control_plane_with_counts,
    node_page,
    node_row,
)
from controlplane.dashboard.responses import redirect_to, show_error
from controlplane.errors import KongError, NotFound
from controlplane.models import ControlPlane, DataPlaneNode, Membership, RegistrationToken
from controlplane.services import nodes as node_service

HISTORY_SHOWN = 50
ROWS_PARTIAL = "dashboard/nodes/list.html#node-rows"


@login_required
@require_GET
def list_nodes(request: HttpRequest, cp_id: UUID) -> HttpResponse:
    membership = require_membership(request)
    cp = control_plane_with_counts(control_plane_for(membership, cp_id))
    context = {
        "cp": cp,
        "tab": "nodes",
        "nodes": node_page(cp, NodeFilter.from_params(request.GET)),
        "statuses": STATUS_LABELS,
        "chart": sync_chart(cp),
    }
    return render_page(request, membership, "dashboard/nodes/list.html", context)


@login_required
@require_GET
def list_node_rows(request: HttpRequest, cp_id: UUID) -> HttpResponse:
    """One page of the table body alone: the polling fallback for when the live socket is down."""
    membership = require_membership(request)
    cp = control_plane_for(membership, cp_id)
    context = {"cp": cp, "nodes": node_page(cp, NodeFilter.from_params(request.GET))}
    return render_page(request, membership, ROWS_PARTIAL, context)


@login_required
@require_GET
def show_node(request: HttpRequest, cp_id: UUID, node_id: UUID) -> HttpResponse:
    membership = require_membership(request)
    cp = control_plane_for(membership, cp_id)
    node = _node(cp, node_id)
    history = node.sync_records.order_by("-at")[:HISTORY_SHOWN]
    context = {"cp": cp, "tab": "nodes", "row": node_row(node, cp), "history": history}
    return render_page(request, membership, "dashboard/nodes/detail.html", context)


@login_required
@require_POST
def revoke_node(request: HttpRequest, cp_id: UUID, node_id: UUID) -> HttpResponse:
    membership = require_admin(request)
    cp = control_plane_for(membership, cp_id)
    node = _node(cp, node_id)
    node_service.revoke_node(node)
    messages.success(request, f"Node “{node.name}” revoked and disconnected.")
    return redirect_to(request, reverse("dashboard:nodes", args=[cp.pk]))


@login_required
@require_GET
def new_node(request: HttpRequest, cp_id: UUID) -> HttpResponse:
    membership = require_admin(request)
    cp = control_plane_for(membership, cp_id)
    return _add_page(request, membership, cp, RegistrationTokenForm())


@login_required
@require_POST
def create_registration_token(request: HttpRequest, cp_id: UUID) -> HttpResponse:
    """Create a registration token and show, this once, the commands that use it."""
    membership = require_admin(request)
    cp = control_plane_for(membership, cp_id)
    form = RegistrationTokenForm(request.POST)
    if form.is_valid():
        try:
            _, secret = node_service.create_registration_token(
                cp,
                name=form.cleaned_data["name"],
                created_by=user_of(request),
                expires_in_days=form.cleaned_data["expires_in_days"],
                max_uses=form.cleaned_data["max_uses"],
            )
        except KongError as exc:
            show_error(form, exc)
        else:
            commands = register_commands(request, secret)
            return _add_page(request, membership, cp, RegistrationTokenForm(), commands)
    return _add_page(request, membership, cp, form, status=400)


@login_required
@require_POST
def revoke_registration_token(request: HttpRequest, cp_id: UUID, token_id: UUID) -> HttpResponse:
    membership = require_admin(request)
    cp = control_plane_for(membership, cp_id)
    try:
        token = get_registration_token(cp, token_id)
    except NotFound:
        raise Http404("registration token not found") from None
    node_service.revoke_registration_token(token)
    messages.success(request, f"Registration token “{token.name}” revoked.")
    return redirect_to(request, reverse("dashboard:add-node", args=[cp.pk]))


def register_commands(request: HttpRequest, secret: str) -> list[str]:
    server = f"{request.scheme}://{request.get_host()}"
    return [f"konnectlite-dp register --server {server} --token {secret}", "konnectlite-dp run"]


def _add_page(
    request: HttpRequest,
    membership: Membership,
    cp: ControlPlane,
    form: RegistrationTokenForm,
    commands: list[str] | None = None,
    *,
    status: int = 200,
) -> HttpResponse:
    tokens = RegistrationToken.objects.filter(control_plane=cp, revoked_at=None).order_by(
        "-created_at"
    )
    context: dict[str, Any] = {
        "cp": cp,
        "tab": "nodes",
        "form": form,
        "commands": commands,
        "tokens": tokens.select_related("created_by"),
    }
    return render_page(request, membership, "dashboard/nodes/add.html", context, status=status)


def _node(cp: ControlPlane, node_id: UUID) -> DataPlaneNode:
    try:
        node = get_node(cp, node_id)
    except NotFound:
        raise Http404("node not found") from None
    if node.revoked_at is not None:
        raise Http404("node not found")
    return node
