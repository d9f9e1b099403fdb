"""Who is asking, in which organization, and what they may do there.

The organization a person works in is the session's ``org_id`` (the switcher sets it); the
API's ``request_membership`` honours the same key, so the dashboard and session-authenticated
API calls always agree. Another organization's objects answer 404, a missing role 403.
"""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from controlplane.access import get_control_plane, get_membership
from controlplane.errors import NotFound
from controlplane.models import ControlPlane, Membership, User

ORG_SESSION_KEY = "org_id"


def user_of(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied
    return user


def current_membership(request: HttpRequest) -> Membership | None:
    """The session's organization, else the first one the user belongs to (as the API does)."""
    user = user_of(request)
    org_id = request.session.get(ORG_SESSION_KEY)
    if org_id:
        try:
            return get_membership(user, org_id)
        except NotFound:
            del request.session[ORG_SESSION_KEY]  # removed from it since; fall back
    return user.memberships.select_related("organization").order_by("pk").first()


def require_membership(request: HttpRequest) -> Membership:
    membership = current_membership(request)
    if membership is None:
        raise Http404("You are not a member of any organization")
    return membership


def require_writer(request: HttpRequest) -> Membership:
    """Admins and editors change entities; viewers are refused."""
    membership = require_membership(request)
    if not membership.can_write:
        raise PermissionDenied("viewers cannot make changes")
    return membership


def require_admin(request: HttpRequest) -> Membership:
    membership = require_membership(request)
    if not membership.is_admin:
        raise PermissionDenied("only organization admins may do this")
    return membership


def control_plane_for(membership: Membership, cp_id: object) -> ControlPlane:
    try:
        return get_control_plane(membership.organization, cp_id)
    except NotFound:
        raise Http404("control plane not found") from None


def render_page(
    request: HttpRequest,
    membership: Membership,
    template: str,
    context: dict[str, Any] | None = None,
    *,
    status: int = 200,
) -> HttpResponse:
    """Render a page inside the layout, which needs the organization switcher's facts."""
    memberships = (
        user_of(request).memberships.select_related("organization").order_by("organization__name")
    )
    page: dict[str, Any] = {
        "membership": membership,
        "org": membership.organization,
        "memberships": memberships,
        "can_write": membership.can_write,
        "is_admin": membership.is_admin,
        **(context or {}),
    }
    return render(request, template, page, status=status)


def actor(request: HttpRequest) -> str:
    """How the change log names a dashboard user: as the API names a session user."""
    return user_of(request).email
