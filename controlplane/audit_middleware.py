"""Sets who is acting for each request, for the audit log; records the dashboard's 403s."""

from collections.abc import Awaitable, Callable
from typing import Any

from asgiref.sync import iscoroutinefunction, markcoroutinefunction
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from controlplane.dashboard.membership import current_membership
from controlplane.dashboard.views.accounts import client_address
from controlplane.http_errors import is_api_request
from controlplane.models import ActorKind, User
from controlplane.services import audit


class AuditMiddleware:
    """Runs each request as its signed-in user (or anonymous) from the client's address.

    It comes after the authentication middleware, which sets ``request.user``. An API request
    with a token is narrowed to that token by the API's authentication, later, in the view.

    It runs in both modes. A sync-only middleware in daphne's async chain makes each request
    thread wait on the event loop for the rest of the chain, forever once the loop stops for
    shutdown: SIGTERM then hung the server (tests/e2e/test_e2e_faults.py, restart case).
    """

    sync_capable = True
    async_capable = True

    def __init__(self, get_response: Callable[[HttpRequest], Any]) -> None:
        self.get_response = get_response
        self.is_async = iscoroutinefunction(get_response)
        if self.is_async:
            markcoroutinefunction(self)

    def __call__(self, request: HttpRequest) -> HttpResponse | Awaitable[HttpResponse]:
        if self.is_async:
            return self._acall(request)
        with audit.acting(request_actor(request, getattr(request, "user", None))):
            return self.get_response(request)

    async def _acall(self, request: HttpRequest) -> HttpResponse:
        user = await request.auser() if hasattr(request, "auser") else None
        with audit.acting(request_actor(request, user)):
            return await self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> None:
        # The API records its own refusals (OrgAPIView.permission_denied); DRF handles them
        # inside the view, so only the dashboard's reach this hook.
        if isinstance(exception, PermissionDenied) and not is_api_request(request):
            record_dashboard_refusal(request, exception)


def request_actor(request: HttpRequest, user: Any) -> audit.Actor:
    address = client_address(request) or ""
    if isinstance(user, User) and user.is_authenticated:
        return audit.user_actor(user, address)
    return audit.Actor(ActorKind.ANONYMOUS, "anonymous", address)


def record_dashboard_refusal(request: HttpRequest, exception: Exception) -> None:
    user = getattr(request, "user", None)
    if not isinstance(user, User):
        return  # sign-in pages answer anonymous visitors; there is no one to name
    membership = current_membership(request)
    audit.record_refusal(
        "access.denied",
        status=403,
        organization=membership.organization if membership else None,
        target_type="page",
        target_label=f"{request.method} {request.path}"[:300],
        detail={"message": str(exception) or "permission denied"},
    )
