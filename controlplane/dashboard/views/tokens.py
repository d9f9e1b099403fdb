"""Personal access tokens: create one (its secret is shown once), list them, revoke one."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from controlplane.access import get_personal_access_token
from controlplane.dashboard.forms import TokenForm
from controlplane.dashboard.membership import render_page, require_membership, user_of
from controlplane.dashboard.responses import redirect_to, show_error
from controlplane.errors import KongError, NotFound
from controlplane.models import Membership, PersonalAccessToken
from controlplane.services import tokens as token_service


@login_required
@require_GET
def list_tokens(request: HttpRequest) -> HttpResponse:
    membership = require_membership(request)
    return _page(request, membership, TokenForm())


@login_required
@require_POST
def create_token(request: HttpRequest) -> HttpResponse:
    # Every member may hold tokens (as in the API); a token can do what its user's role allows.
    membership = require_membership(request)
    form = TokenForm(request.POST)
    if form.is_valid():
        try:
            token, secret = token_service.create_token(
                user_of(request),
                membership.organization,
                name=form.cleaned_data["name"],
                expires_in_days=form.cleaned_data["expires_in_days"],
            )
        except KongError as exc:
            show_error(form, exc)
        else:
            return _page(request, membership, TokenForm(), {"token": token, "secret": secret})
    return _page(request, membership, form, status=400)


@login_required
@require_POST
def revoke_token(request: HttpRequest, token_id: str) -> HttpResponse:
    membership = require_membership(request)
    try:
        token = get_personal_access_token(membership, token_id)
    except NotFound:
        raise Http404("token not found") from None
    token_service.revoke_token(token)
    messages.success(request, f"Token “{token.name}” revoked; it no longer works.")
    return redirect_to(request, reverse("dashboard:tokens"))


def _page(
    request: HttpRequest,
    membership: Membership,
    form: TokenForm,
    created: dict[str, Any] | None = None,
    *,
    status: int = 200,
) -> HttpResponse:
    tokens = PersonalAccessToken.objects.filter(
        user=user_of(request), organization=membership.organization
    ).order_by("revoked_at", "-created_at")
    context = {"form": form, "tokens": tokens, "created": created, "section": "tokens"}
    return render_page(request, membership, "dashboard/tokens/list.html", context, status=status)
