"""Signing in and out, and choosing the organization to work in."""

from django import forms
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.views import LoginView, LogoutView
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.views.decorators.http import require_POST

from controlplane.access import get_membership
from controlplane.dashboard.membership import ORG_SESSION_KEY, user_of
from controlplane.dashboard.responses import redirect_to
from controlplane.errors import NotFound


class EmailAuthenticationForm(AuthenticationForm):
    """Django's sign-in form, labelled for email addresses (the user model's username)."""

    username = forms.EmailField(
        label="Email", widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"})
    )


sign_in = LoginView.as_view(
    template_name="accounts/login.html",
    authentication_form=EmailAuthenticationForm,
    redirect_authenticated_user=True,
)
sign_out = LogoutView.as_view()


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
