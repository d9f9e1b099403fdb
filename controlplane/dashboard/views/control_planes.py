"""Control planes: the list, one control plane's overview, create, edit and delete."""

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from controlplane.dashboard import entities as browser
from controlplane.dashboard.forms import ControlPlaneForm
from controlplane.dashboard.membership import (
    control_plane_for,
    current_membership,
    render_page,
    require_admin,
    require_membership,
)
from controlplane.dashboard.nodes import control_plane_with_counts, with_node_counts
from controlplane.dashboard.responses import redirect_to, show_error
from controlplane.dashboard.views.changes import recent_versions
from controlplane.errors import KongError
from controlplane.models import ControlPlane
from controlplane.services import control_planes as cp_service


@login_required
@require_GET
def list_control_planes(request: HttpRequest) -> HttpResponse:
    membership = current_membership(request)
    if membership is None:
        return render(request, "accounts/no_organization.html", status=403)
    rows = with_node_counts(ControlPlane.objects.filter(organization=membership.organization))
    return render_page(
        request,
        membership,
        "dashboard/control_planes/list.html",
        {"control_planes": rows.order_by("name")},
    )


@login_required
@require_GET
def show_control_plane(request: HttpRequest, cp_id: UUID) -> HttpResponse:
    membership = require_membership(request)
    cp = control_plane_with_counts(control_plane_for(membership, cp_id))
    context = {
        "cp": cp,
        "tab": "overview",
        "entity_types": browser.browse_types(cp),
        "versions": recent_versions(cp, 5),
    }
    return render_page(request, membership, "dashboard/control_planes/detail.html", context)


@login_required
@require_GET
def new_control_plane(request: HttpRequest) -> HttpResponse:
    membership = require_admin(request)
    return _form_page(request, membership, ControlPlaneForm(), None)


@login_required
@require_POST
def create_control_plane(request: HttpRequest) -> HttpResponse:
    membership = require_admin(request)
    form = ControlPlaneForm(request.POST)
    if form.is_valid():
        try:
            cp = cp_service.create_control_plane(membership.organization, **form.cleaned_data)
        except KongError as exc:
            show_error(form, exc)
        else:
            messages.success(request, f"Control plane “{cp.name}” created.")
            return redirect_to(request, reverse("dashboard:control-plane", args=[cp.pk]))
    return _form_page(request, membership, form, None, status=400)


@login_required
@require_GET
def edit_control_plane(request: HttpRequest, cp_id: UUID) -> HttpResponse:
    membership = require_admin(request)
    cp = control_plane_for(membership, cp_id)
    form = ControlPlaneForm(
        initial={
            "name": cp.name,
            "description": cp.description,
            "labels": ControlPlaneForm.initial_for(cp.labels),
            "incremental_sync": cp.incremental_sync,
        }
    )
    return _form_page(request, membership, form, cp)


@login_required
@require_POST
def update_control_plane(request: HttpRequest, cp_id: UUID) -> HttpResponse:
    membership = require_admin(request)
    cp = control_plane_for(membership, cp_id)
    form = ControlPlaneForm(request.POST)
    if form.is_valid():
        try:
            cp = cp_service.update_control_plane(cp, form.cleaned_data)
        except KongError as exc:
            show_error(form, exc)
        else:
            messages.success(request, f"Control plane “{cp.name}” saved.")
            return redirect_to(request, reverse("dashboard:control-plane", args=[cp.pk]))
    return _form_page(request, membership, form, cp, status=400)


@login_required
@require_POST
def delete_control_plane(request: HttpRequest, cp_id: UUID) -> HttpResponse:
    membership = require_admin(request)
    cp = control_plane_for(membership, cp_id)
    cp_service.delete_control_plane(cp)
    messages.success(request, f"Control plane “{cp.name}” deleted, with its nodes.")
    return redirect_to(request, reverse("dashboard:control-planes"))


def _form_page(
    request: HttpRequest,
    membership: Any,
    form: ControlPlaneForm,
    cp: ControlPlane | None,
    *,
    status: int = 200,
) -> HttpResponse:
    context = {"form": form, "cp": cp, "tab": "settings"}
    return render_page(
        request, membership, "dashboard/control_planes/form.html", context, status=status
    )
