"""Signing in and out, and choosing the organization to work in."""

import math
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.views import LoginView, LogoutView
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_POST

from controlplane.access import get_membership
from controlplane.dashboard.membership import ORG_SESSION_KEY, user_of
from controlplane.dashboard.responses import redirect_to
from controlplane.errors import NotFound
from controlplane.services import audit


class EmailAuthenticationForm(AuthenticationForm):
    """Django's sign-in form, labelled for email addresses (the user model's username)."""

    username = forms.EmailField(
        label="Email", widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"})
    )


class SignInView(LoginView):
    """Django's sign-in, with every attempt in the audit log of the account's organizations."""

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        response = super().form_valid(form)
        user = form.get_user()
        audit.record_sign_in("login.succeeded", user.email, user=user, address=_address(self))
        return response

    def form_invalid(self, form: AuthenticationForm) -> HttpResponse:
        # Also a locked-out attempt: django-axes makes authenticate() fail, then answers 429.
        email = str(form.data.get("username", ""))[:254]
        status = 429 if getattr(self.request, "axes_locked_out", False) else 401
        audit.record_sign_in(
            "login.failed", email, user=None, address=_address(self), status=status
        )
        return super().form_invalid(form)


def _address(view: LoginView) -> str:
    return client_address(view.request) or ""


sign_in = SignInView.as_view(
    template_name="accounts/login.html",
    authentication_form=EmailAuthenticationForm,
    redirect_authenticated_user=True,
)
sign_out = LogoutView.as_view()


def locked_out(request: HttpRequest, *_: Any) -> HttpResponse:
    """django-axes' lockout response: the sign-in page again, saying when to try again.

    Axes calls this with varying extra arguments (the original response, the credentials),
    and not all of them in the same order under ASGI, so none are used.
    """
    form = EmailAuthenticationForm(request, initial={"username": request.POST.get("username")})
    context = {"form": form, "next": request.POST.get("next", ""), "throttled": lockout_message()}
    return render(request, "accounts/login.html", context, status=429)


def lockout_message() -> str:
    minutes = max(1, math.ceil(settings.AXES_COOLOFF_TIME.total_seconds() / 60))
    unit = "minute" if minutes == 1 else "minutes"
    return f"Too many failed sign-in attempts. Try again in {minutes} {unit}."


def client_address(request: HttpRequest) -> str | None:
    """The address failed sign-ins are counted against: the proxy's header when one is named."""
    if settings.KONNECTLITE_CLIENT_IP_HEADER:
        meta_key = "HTTP_" + settings.KONNECTLITE_CLIENT_IP_HEADER.upper().replace("-", "_")
        forwarded = request.META.get(meta_key, "").split(",")[-1].strip()
        if forwarded:
            return forwarded
    return request.META.get("REMOTE_ADDR")


@login_required
@require_POST
def switch_organization(request: HttpRequest) -> HttpResponse:
    """Work in another of the user's organizations; any other id is not found."""
    org_id = request.POST.get("org_id", "")
    try:
        membership = get_membership(user_of(request), org_id)
    except NotFound:
        raise Http404("organization not found") from None
    request.session[ORG_SESSION_KEY] = str(membership.organization_id)
    return redirect_to(request, reverse("dashboard:control-planes"))
