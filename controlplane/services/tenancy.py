"""Organizations, users and memberships."""

from django.db import transaction

from controlplane.errors import Conflict, NotFound, SchemaViolationError
from controlplane.models import Membership, Organization, Role, User
from controlplane.services import audit


def create_org(name: str, *, admin_email: str, admin_password: str) -> tuple[Organization, User]:
    """Create an organization with its admin. Running it again changes nothing.

    The trap: an existing user keeps their password; it is set only for a new user.
    """
    if not name.strip():
        raise SchemaViolationError.single("name", "required field missing")
    with transaction.atomic():
        org, created = Organization.objects.get_or_create(name=name.strip())
        if created:
            audit.record(
                "organization.create",
                organization=org,
                target_type="organization",
                target_id=org.pk,
                target_label=org.name,
            )
        user = User.objects.filter(email__iexact=admin_email).first()
        if user is None:
            user = User.objects.create_user(admin_email, admin_password)
        Membership.objects.get_or_create(organization=org, user=user, defaults={"role": Role.ADMIN})
    return org, user


def create_user(email: str, password: str | None = None, *, full_name: str = "") -> User:
    if User.objects.filter(email__iexact=email).exists():
        raise Conflict(f"a user with email '{email}' already exists", {"email": email})
    return User.objects.create_user(email, password, full_name=full_name)


def add_member(org: Organization, email: str, role: str) -> Membership:
    """Add an existing user to ``org``."""
    _check_role(role)
    user = User.objects.filter(email__iexact=email.strip()).first()
    if user is None:
        raise NotFound(f"no user with email '{email}'", {"email": email})
    with transaction.atomic():
        membership, created = Membership.objects.get_or_create(
            organization=org, user=user, defaults={"role": role}
        )
        if created:
            _audit_member("member.add", membership, role=role)
    if not created:
        raise Conflict(f"'{email}' is already a member", {"email": email})
    return membership


def change_role(membership: Membership, role: str) -> Membership:
    _check_role(role)
    with transaction.atomic():
        if membership.role == Role.ADMIN and role != Role.ADMIN:
            _keep_an_admin(membership)
        Membership.objects.filter(pk=membership.pk).update(role=role)
        _audit_member("member.change_role", membership, role=role, previous=membership.role)
    membership.role = role
    return membership


def remove_member(membership: Membership) -> None:
    with transaction.atomic():
        if membership.role == Role.ADMIN:
            _keep_an_admin(membership)
        Membership.objects.filter(pk=membership.pk).delete()
        _audit_member("member.remove", membership, role=membership.role)


def _audit_member(action: str, membership: Membership, **detail: str) -> None:
    audit.record(
        action,
        organization=membership.organization_id,
        target_type="member",
        target_id=membership.user_id,
        target_label=membership.user.email,
        detail=detail,
    )


def _keep_an_admin(membership: Membership) -> None:
    admins = Membership.objects.select_for_update().filter(
        organization_id=membership.organization_id, role=Role.ADMIN
    )
    if admins.exclude(pk=membership.pk).count() == 0:
        raise Conflict("an organization must keep at least one admin")


def _check_role(role: str) -> None:
    if role not in Role.values:
        raise SchemaViolationError.single("role", "expected one of: " + ", ".join(Role.values))
