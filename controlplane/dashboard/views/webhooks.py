"""The out-of-sync banner, and the webhooks page: webhooks, their secrets once, deliveries."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from controlplane import health
from controlplane.access import get_webhook
from controlplane.dashboard.membership import (
    control_plane_for,
    render_page,
    require_admin,
    require_membership,
)
from controlplane.dashboard.nodes import live_nodes
from controlplane.dashboard.responses import redirect_to, show_error
from controlplane.errors import KongError, NotFound
from controlplane.models import ControlPlane, DataPlaneNode, Membership, Webhook
from controlplane.models.webhooks import WEBHOOK_EVENTS
from controlplane.representations import webhook as webhook_body
from controlplane.services import webhooks as webhook_service

DELIVERIES_SHOWN = 20
PAGE = "dashboard/webhooks/list.html"


@dataclass(frozen=True)
class OutOfSync:
    """The banner's facts: how many nodes lack the config past the grace time, the oldest."""

    count: int
    oldest: DataPlaneNode | None
    oldest_health: health.Health | None
    grace_seconds: int


def out_of_sync(cp: ControlPlane, now: datetime) -> OutOfSync:
    late = [(node, health.node_health(node, cp, now)) for node in live_nodes(cp)]
    late = [(node, status) for node, status in late if status.out_of_sync(now)]
    grace = int(health.grace().total_seconds())
    if not late:
        return OutOfSync(0, None, None, grace)
    # out_of_sync() implies a since: the oldest is the one lacking the config the longest.
    oldest, status = min(late, key=lambda pair: pair[1].since or now)
    return OutOfSync(len(late), oldest, status, grace)


@login_required
@require_GET
def show_health_banner(request: HttpRequest, cp_id: UUID) -> HttpResponse:
    """The banner alone, polled by every page of the control plane (base.html)."""
    membership = require_membership(request)
    cp = control_plane_for(membership, cp_id)
    context = {"cp": cp, "alert": out_of_sync(cp, timezone.now())}
    return render(request, "dashboard/health/banner.html", context)


class WebhookForm(forms.Form):
    url = forms.URLField(
        label="URL",
        max_length=2000,
        assume_scheme="https",
        widget=forms.TextInput(attrs={"placeholder": "https://alerts.example.com/konnectlite"}),
    )
    events = forms.MultipleChoiceField(
        choices=[(e, e) for e in WEBHOOK_EVENTS],
        widget=forms.CheckboxSelectMultiple,
        initial=["node.out_of_sync", "node.offline", "node.back_in_sync"],
    )
    secret = forms.CharField(
        required=False,
        max_length=200,
        help_text="Signs each body (HMAC-SHA256). Leave empty to have one generated.",
    )


@login_required
@require_GET
def list_webhooks(request: HttpRequest, cp_id: UUID) -> HttpResponse:
    membership = require_membership(request)
    cp = control_plane_for(membership, cp_id)
    return _page(request, membership, cp, WebhookForm())


@login_required
@require_POST
def create_webhook(request: HttpRequest, cp_id: UUID) -> HttpResponse:
    """Create a webhook and show, this once, its secret."""
    membership = require_admin(request)
    cp = control_plane_for(membership, cp_id)
    form = WebhookForm(request.POST)
    if form.is_valid():
        try:
            hook = webhook_service.create_webhook(cp, **form.cleaned_data)
        except KongError as exc:
            show_error(form, exc)
        else:
            created = webhook_body(hook, with_secret=True)
            return _page(request, membership, cp, WebhookForm(), created=created)
    return _page(request, membership, cp, form, status=400)


@login_required
@require_POST
def delete_webhook(request: HttpRequest, cp_id: UUID, webhook_id: UUID) -> HttpResponse:
    membership = require_admin(request)
    cp = control_plane_for(membership, cp_id)
    hook = _webhook(cp, webhook_id)
    webhook_service.delete_webhook(hook)
    messages.success(request, f"Webhook to {hook.url} deleted.")
    return redirect_to(request, reverse("dashboard:webhooks", args=[cp.pk]))


@login_required
@require_POST
def test_webhook(request: HttpRequest, cp_id: UUID, webhook_id: UUID) -> HttpResponse:
    membership = require_admin(request)
    cp = control_plane_for(membership, cp_id)
    hook = _webhook(cp, webhook_id)
    webhook_service.send_test_event(hook)
    messages.success(request, f"A test event is on its way to {hook.url}.")
    return redirect_to(request, reverse("dashboard:webhooks", args=[cp.pk]))


def _page(
    request: HttpRequest,
    membership: Membership,
    cp: ControlPlane,
    form: WebhookForm,
    *,
    created: dict[str, Any] | None = None,
    status: int = 200,
) -> HttpResponse:
    hooks = list(Webhook.objects.filter(control_plane=cp))
    for hook in hooks:
        hook.recent = hook.deliveries.order_by("-created_at")[:DELIVERIES_SHOWN]  # type: ignore[attr-defined]
        hook.shown = webhook_body(hook)  # type: ignore[attr-defined]
    context = {
        "cp": cp,
        "tab": "webhooks",
        "form": form,
        "text_fields": [form["url"], form["secret"]],
        "hooks": hooks,
        "created": created,
    }
    return render_page(request, membership, PAGE, context, status=status)


def _webhook(cp: ControlPlane, webhook_id: UUID) -> Webhook:
    try:
        return get_webhook(cp, webhook_id)
    except NotFound:
        raise Http404("webhook not found") from None
