"""The entity browser: list, search, create, edit and delete any Kong entity.

Writes go through ``controlplane.services.entities``, the same functions the Admin API
calls, so a dashboard edit is validated the same way and is one version in the change log.
"""

import json
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from controlplane.dashboard import entities as browser
from controlplane.dashboard.forms import EntityForm, entity_form, friendly_fields, patch_between
from controlplane.dashboard.membership import (
    actor,
    control_plane_for,
    render_page,
    require_membership,
    require_writer,
)
from controlplane.dashboard.responses import is_htmx, redirect_to, show_error
from controlplane.errors import KongError, NotFound
from controlplane.models import ControlPlane, Entity, Membership
from controlplane.services import entities as entity_service

ENTITIES_PER_PAGE = 50
# Names offered as suggestions in reference inputs; typing any name or id still works.
REFERENCE_OPTIONS = 200
TABLE_PARTIAL = "dashboard/entities/list.html#entity-table"


@login_required
@require_GET
def list_entities(request: HttpRequest, cp_id: UUID, entity_type: str) -> HttpResponse:
    membership = require_membership(request)
    cp = control_plane_for(membership, cp_id)
    browser.require_type(entity_type)
    text, tags = request.GET.get("q", ""), request.GET.get("tag", "")
    rows = browser.browse(cp, entity_type, text, tags)
    page = Paginator(rows, ENTITIES_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "cp": cp,
        "tab": "entities",
        "entity_type": entity_type,
        "type_label": browser.label(entity_type),
        "singular": browser.singular(entity_type),
        "columns": browser.column_labels(entity_type),
        "rows": browser.table_rows(cp, entity_type, list(page)),
        "page": page,
        "q": text,
        "tag": tags,
    }
    if is_htmx(request):
        return render_page(request, membership, TABLE_PARTIAL, context)
    context["entity_types"] = browser.browse_types(cp)
    return render_page(request, membership, "dashboard/entities/list.html", context)


@login_required
@require_GET
def new_entity(request: HttpRequest, cp_id: UUID, entity_type: str) -> HttpResponse:
    membership = require_writer(request)
    cp = control_plane_for(membership, cp_id)
    form = entity_form(browser.require_type(entity_type))
    return _form_page(request, membership, cp, form, None)


@login_required
@require_POST
def create_entity(request: HttpRequest, cp_id: UUID, entity_type: str) -> HttpResponse:
    membership = require_writer(request)
    cp = control_plane_for(membership, cp_id)
    form = entity_form(browser.require_type(entity_type), request.POST)
    if form.is_valid():
        try:
            data = entity_service.create_entity(
                cp, entity_type, form.payload(), actor=actor(request)
            )
        except KongError as exc:
            show_error(form, exc)
        else:
            _saved(request, cp, entity_type, data, "created")
            return redirect_to(request, _list_url(cp, entity_type))
    return _form_page(request, membership, cp, form, None, status=400)


@login_required
@require_GET
def show_entity(
    request: HttpRequest, cp_id: UUID, entity_type: str, entity_id: str
) -> HttpResponse:
    membership = require_membership(request)
    cp = control_plane_for(membership, cp_id)
    row = _entity(cp, browser.require_type(entity_type), entity_id)
    names = browser.reference_names(cp, [row.data])
    form = entity_form(entity_type, entity=row.data, names=names)
    return _form_page(request, membership, cp, form, row)


@login_required
@require_POST
def update_entity(
    request: HttpRequest, cp_id: UUID, entity_type: str, entity_id: str
) -> HttpResponse:
    membership = require_writer(request)
    cp = control_plane_for(membership, cp_id)
    row = _entity(cp, browser.require_type(entity_type), entity_id)
    names = browser.reference_names(cp, [row.data])
    form = entity_form(entity_type, request.POST, entity=row.data, names=names)
    if form.is_valid():
        patch = patch_between(row.data, form.payload())
        if not patch:
            messages.info(request, "Nothing changed, so no new version was made.")
            return redirect_to(request, _list_url(cp, entity_type))
        try:
            data = entity_service.update_entity(
                cp, entity_type, str(row.entity_id), patch, actor=actor(request)
            )
        except KongError as exc:
            show_error(form, exc)
        else:
            _saved(request, cp, entity_type, data, "saved")
            return redirect_to(request, _list_url(cp, entity_type))
    return _form_page(request, membership, cp, form, row, status=400)


@login_required
@require_POST
def delete_entity(
    request: HttpRequest, cp_id: UUID, entity_type: str, entity_id: str
) -> HttpResponse:
    membership = require_writer(request)
    cp = control_plane_for(membership, cp_id)
    row = _entity(cp, browser.require_type(entity_type), entity_id)
    name = browser.display_name(entity_type, row.data)
    try:
        entity_service.delete_entity(cp, entity_type, str(row.entity_id), actor=actor(request))
    except KongError as exc:
        messages.error(request, f"“{name}” was not deleted: {exc.message}")
    else:
        messages.success(
            request, f"{browser.singular(entity_type)} “{name}” deleted{_in_version(cp)}."
        )
    return redirect_to(request, _list_url(cp, entity_type))


def _entity(cp: ControlPlane, entity_type: str, entity_id: str) -> Entity:
    try:
        return entity_service.require(cp, entity_type, entity_id)
    except NotFound:
        raise Http404("entity not found") from None


def _form_page(
    request: HttpRequest,
    membership: Membership,
    cp: ControlPlane,
    form: EntityForm,
    row: Entity | None,
    *,
    status: int = 200,
) -> HttpResponse:
    entity_type = form.entity_type
    context: dict[str, Any] = {
        "cp": cp,
        "tab": "entities",
        "entity_type": entity_type,
        "type_label": browser.label(entity_type),
        "singular": browser.singular(entity_type),
        "form": form,
        "friendly": [form[spec.name] for spec in friendly_fields(entity_type)],
        "entity": row.data if row else None,
        "entity_name": browser.display_name(entity_type, row.data) if row else "",
        "entity_json": json.dumps(row.data, indent=2, sort_keys=True) if row else "",
        "options": _reference_options(cp, entity_type),
    }
    return render_page(request, membership, "dashboard/entities/form.html", context, status=status)


def _reference_options(cp: ControlPlane, entity_type: str) -> dict[str, list[str]]:
    """Suggested names for each reference input of the form (datalists)."""
    options: dict[str, list[str]] = {}
    for spec in friendly_fields(entity_type):
        if spec.kind == "ref" and spec.reference not in options:
            names = (
                Entity.objects.filter(control_plane=cp, entity_type=spec.reference)
                .exclude(endpoint_key=None)
                .order_by("endpoint_key")
                .values_list("endpoint_key", flat=True)[:REFERENCE_OPTIONS]
            )
            options[spec.reference] = [str(n) for n in names]
    return options


def _saved(
    request: HttpRequest, cp: ControlPlane, entity_type: str, data: dict[str, Any], verb: str
) -> None:
    name = browser.display_name(entity_type, data)
    messages.success(request, f"{browser.singular(entity_type)} “{name}” {verb}{_in_version(cp)}.")


def _in_version(cp: ControlPlane) -> str:
    version = ControlPlane.objects.filter(pk=cp.pk).values_list("config_version", flat=True).first()
    return f" in version {version}" if version else ""


def _list_url(cp: ControlPlane, entity_type: str) -> str:
    return reverse("dashboard:entities", args=[cp.pk, entity_type])
