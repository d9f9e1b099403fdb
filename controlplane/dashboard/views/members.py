"""Organization members, for admins: add an existing user, change a role, remove someone."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from controlplane.dashboard.forms import AddMemberForm, RoleForm
from controlplane.dashboard.membership import render_page, require_admin
from controlplane.dashboard.responses import redirect_to, show_error
from controlplane.errors import KongError
from controlplane.models import Membership, Role
from controlplane.services import tenancy


@login_required
@require_GET
def list_members(request: HttpRequest) -> HttpResponse:
    membership = require_admin(request)
    return _page(request, membership, AddMemberForm())


@login_required
@require_POST
def add_member(request: HttpRequest) -> HttpResponse:
    membership = require_admin(request)
    form = AddMemberForm(request.POST)
    if form.is_valid():
        try:
            added = tenancy.add_member(
                membership.organization, form.cleaned_data["email"], form.cleaned_data["role"]
            )
        except KongError as exc:
            show_error(form, exc)
        else:
            messages.success(request, f"{added.user.email} added as {added.role}.")
            return redirect_to(request, reverse("dashboard:members"))
    return _page(request, membership, form, status=400)


@login_required
@require_POST
def change_role(request: HttpRequest, member_id: int) -> HttpResponse:
    membership = require_admin(request)
    member = _member(membership, member_id)
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose a role: admin, editor or viewer.")
    else:
        try:
            tenancy.change_role(member, form.cleaned_data["role"])
        except KongError as exc:
            messages.error(request, f"The role was not changed: {exc.message}.")
        else:
            messages.success(request, f"{member.user.email} is now {member.role}.")
    return redirect_to(request, reverse("dashboard:members"))


@login_required
@require_POST
def remove_member(request: HttpRequest, member_id: int) -> HttpResponse:
    membership = require_admin(request)
    member = _member(membership, member_id)
    try:
        tenancy.remove_member(member)
    except KongError as exc:
        messages.error(request, f"{member.user.email} was not removed: {exc.message}.")
    else:
        messages.success(request, f"{member.user.email} removed from {membership.organization}.")
    return redirect_to(request, reverse("dashboard:members"))


def _member(membership: Membership, member_id: int) -> Membership:
    member = (
        Membership.objects.select_related("user")
        .filter(organization=membership.organization, pk=member_id)
        .first()
    )
    if member is None:
        raise Http404("member not found")
    return member


def _page(
    request: HttpRequest, membership: Membership, form: AddMemberForm, *, status: int = 200
) -> HttpResponse:
    members = (
        Membership.objects.filter(organization=membership.organization)
        .select_related("user")
        .order_by("user__email")
    )
    context = {"form": form, "members": members, "roles": Role.choices, "section": "members"}
    return render_page(request, membership, "dashboard/members/list.html", context, status=status)
