"""The base of every organization-scoped API view."""

from typing import Any, NoReturn

from django.conf import settings
from rest_framework.exceptions import NotAuthenticated
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.views import APIView

from controlplane.access import get_control_plane, get_membership
from controlplane.api.bodies import BadRequest
from controlplane.api.permissions import CanWriteEntities, IsOrgMember
from controlplane.errors import NotFound, PayloadTooLarge
from controlplane.models import ControlPlane, Membership, PersonalAccessToken, User
from controlplane.services import audit


def request_user(request: Request) -> User:
    """The signed-in user; views reach this only after IsAuthenticated passed."""
    user = request.user
    if not isinstance(user, User):
        raise NotAuthenticated()
    return user


def request_membership(request: Request) -> Membership:
    """The caller's membership: the token's organization, or the session's chosen one."""
    user = request_user(request)
    token = request.auth
    if isinstance(token, PersonalAccessToken):
        return get_membership(user, token.organization_id)
    org_id = request.session.get("org_id") if hasattr(request, "session") else None
    if org_id:
        return get_membership(user, org_id)
    membership = user.memberships.select_related("organization").first()
    if membership is None:
        raise NotFound("organization not found")
    return membership


def actor_label(request: Request) -> str:
    email = request_user(request).email
    token = request.auth
    if isinstance(token, PersonalAccessToken):
        return f"{email} (token {token.name})"
    return email


class OrgAPIView(APIView):
    """Resolves the caller's membership before permissions run."""

    permission_classes = [IsAuthenticated, IsOrgMember, CanWriteEntities]
    max_body_bytes: int = settings.KONNECTLITE_MAX_ENTITY_BODY_BYTES
    membership: Membership | None = None
    _control_plane: ControlPlane | None = None

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        self._check_body_size(request)
        _check_no_nul(request)
        super().initial(request, *args, **kwargs)

    def check_permissions(self, request: Request) -> None:
        if request.user is not None and request.user.is_authenticated:
            self.membership = request_membership(request)
            if "cp_id" in self.kwargs:
                # Another organization's control plane is 404 before any 403: a viewer's
                # write must not learn that it exists.
                self.control_plane()
        super().check_permissions(request)

    def permission_denied(
        self, request: Request, message: str | None = None, code: str | None = None
    ) -> NoReturn:
        """Record an authenticated caller's 403 in the audit log, then refuse."""
        if request.user is not None and request.user.is_authenticated:
            audit.record_refusal(
                "access.denied",
                status=403,
                organization=self.membership.organization if self.membership else None,
                target_type="endpoint",
                target_label=f"{request.method} {request.path}"[:300],
                control_plane_id=self._control_plane.pk if self._control_plane else None,
                detail={"message": str(message or "permission denied")},
            )
        super().permission_denied(request, message, code)

    def _check_body_size(self, request: Request) -> None:
        length = request.META.get("CONTENT_LENGTH") or "0"
        if length.isdigit() and int(length) > self.max_body_bytes:
            raise PayloadTooLarge(f"request body exceeds the limit of {self.max_body_bytes} bytes")

    @property
    def org_membership(self) -> Membership:
        assert self.membership is not None
        return self.membership

    def control_plane(self) -> ControlPlane:
        if self._control_plane is None:
            org = self.org_membership.organization
            self._control_plane = get_control_plane(org, self.kwargs["cp_id"])
        return self._control_plane


def _check_no_nul(request: Request) -> None:
    # No stored name contains NUL (bodies refuse it), and PostgreSQL cannot even compare
    # with one, so a NUL in the path or the query is a bad request, not a lookup.
    if "\x00" in request.path or any(
        "\x00" in value for values in request.query_params.lists() for value in values[1]
    ):
        raise BadRequest("the request path and query must not contain NUL characters")
