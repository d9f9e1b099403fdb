"""Declarative config: download it, upload a file, review the dry-run diff, then apply it."""

from typing import Any
from uuid import UUID

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.text import slugify
from django.views.decorators.http import require_GET, require_POST

from controlplane.dashboard import declarative
from controlplane.dashboard.forms import DeclarativeUploadForm
from controlplane.dashboard.membership import (
    actor,
    control_plane_for,
    render_page,
    require_membership,
    require_writer,
)
from controlplane.dashboard.responses import redirect_to, show_error
from controlplane.declarative.export import render
from controlplane.errors import KongError
from controlplane.models import ControlPlane, Membership
from controlplane.services.declarative import (
    apply_declarative_config,
    export_declarative_config,
)
from konnectlite.bodies import max_body_bytes


@login_required
@require_GET
def show_config(request: HttpRequest, cp_id: UUID) -> HttpResponse:
    membership = require_membership(request)
    cp = control_plane_for(membership, cp_id)
    return _page(request, membership, cp, DeclarativeUploadForm())


@login_required
@require_GET
def download_config(request: HttpRequest, cp_id: UUID) -> HttpResponse:
    cp = control_plane_for(require_membership(request), cp_id)
    fmt = "json" if request.GET.get("format") == "json" else "yaml"
    response = HttpResponse(
        render(export_declarative_config(cp), fmt),
        content_type="application/json" if fmt == "json" else "application/yaml",
    )
    filename = f"{slugify(cp.name) or 'control-plane'}-v{cp.config_version}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@require_POST
@max_body_bytes(settings.KONNECTLITE_MAX_BODY_BYTES)  # a decK file, as the API's upload
def upload_config(request: HttpRequest, cp_id: UUID) -> HttpResponse:
    """Dry-run the uploaded file and show what it would change; nothing is applied yet."""
    membership = require_writer(request)
    cp = control_plane_for(membership, cp_id)
    form = DeclarativeUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _page(request, membership, cp, form, status=400)
    return _review(request, membership, cp, form, form.cleaned_data["config"])


@login_required
@require_POST
def apply_config(request: HttpRequest, cp_id: UUID) -> HttpResponse:
    membership = require_writer(request)
    cp = control_plane_for(membership, cp_id)
    pending = request.session.get(_session_key(cp), {})
    token = request.POST.get("upload", "")
    text = declarative.load_pending(token) if pending.get("token") == token else None
    form = DeclarativeUploadForm()
    if text is None:
        _report(request, form, "This upload has expired or was already applied; upload it again.")
        return _page(request, membership, cp, form, status=400)
    if pending.get("version") != cp.config_version:
        messages.warning(
            request,
            f"The configuration changed since your dry run (version {pending.get('version')} → "
            f"{cp.config_version}). Review the new diff before applying.",
        )
        return _review(request, membership, cp, form, text)
    return _apply(request, membership, cp, form, text, token)


def _review(
    request: HttpRequest,
    membership: Membership,
    cp: ControlPlane,
    form: DeclarativeUploadForm,
    text: str,
) -> HttpResponse:
    try:
        diff = apply_declarative_config(cp, text, actor=actor(request), dry_run=True)
    except KongError as exc:
        _report(request, form, exc)
        return _page(request, membership, cp, form, status=400)
    previous = request.session.get(_session_key(cp), {}).get("token", "")
    token = declarative.save_pending(text, replacing=previous)
    # The version the diff was planned against: applying later re-checks it has not moved.
    request.session[_session_key(cp)] = {"token": token, "version": diff.config_version}
    context = {"cp": cp, "tab": "config", "diff": declarative.diff_view(diff), "upload": token}
    return render_page(request, membership, "dashboard/config/review.html", context)


def _apply(
    request: HttpRequest,
    membership: Membership,
    cp: ControlPlane,
    form: DeclarativeUploadForm,
    text: str,
    token: str,
) -> HttpResponse:
    try:
        diff = apply_declarative_config(cp, text, actor=actor(request), dry_run=False)
    except KongError as exc:
        _report(request, form, exc)
        return _page(request, membership, cp, form, status=400)
    declarative.discard_pending(token)
    request.session.pop(_session_key(cp), None)
    if diff.total == 0:
        messages.info(request, "Nothing to change: the configuration already matches the file.")
    else:
        messages.success(
            request,
            f"Configuration applied as version {diff.config_version}: "
            f"{diff.count('created')} created, {diff.count('updated')} updated, "
            f"{diff.count('deleted')} deleted.",
        )
    return redirect_to(request, reverse("dashboard:changes", args=[cp.pk]))


def _page(
    request: HttpRequest,
    membership: Membership,
    cp: ControlPlane,
    form: DeclarativeUploadForm,
    *,
    status: int = 200,
) -> HttpResponse:
    context: dict[str, Any] = {"cp": cp, "tab": "config", "form": form}
    return render_page(request, membership, "dashboard/config/page.html", context, status=status)


def _report(request: HttpRequest, form: DeclarativeUploadForm, problem: KongError | str) -> None:
    """On the form when it was just submitted; as a message when applying a stored upload."""
    if hasattr(form, "cleaned_data"):
        if isinstance(problem, KongError):
            show_error(form, problem)
        else:
            form.add_error(None, problem)
    else:
        messages.error(request, problem.message if isinstance(problem, KongError) else problem)


def _session_key(cp: ControlPlane) -> str:
    return f"declarative-upload:{cp.pk}"
