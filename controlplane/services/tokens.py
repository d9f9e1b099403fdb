"""Personal access tokens: create, authenticate, revoke."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from controlplane.errors import SchemaViolationError
from controlplane.models import Organization, PersonalAccessToken, User
from controlplane.secrets import PAT_PREFIX, display_prefix, hash_secret, new_secret
from controlplane.services import audit

# last_used_at is informational; writing it on every request would make reads cost a write.
LAST_USED_RESOLUTION = timedelta(minutes=1)
# Ten years: long-lived enough for automation, and far from datetime's overflow.
MAX_EXPIRY_DAYS = 3650


def create_token(
    user: User, org: Organization, *, name: str, expires_in_days: int | None = None
) -> tuple[PersonalAccessToken, str]:
    """Create a token for ``user`` in ``org``; return it with its secret, shown only now."""
    if not name.strip():
        raise SchemaViolationError.single("name", "required field missing")
    if len(name.strip()) > 100:
        raise SchemaViolationError.single("name", "length must be at most 100")
    if expires_in_days is not None and not 1 <= expires_in_days <= MAX_EXPIRY_DAYS:
        raise SchemaViolationError.single(
            "expires_in_days", f"value should be between 1 and {MAX_EXPIRY_DAYS}"
        )
    secret = new_secret(PAT_PREFIX)
    expires_at = timezone.now() + timedelta(days=expires_in_days) if expires_in_days else None
    with transaction.atomic():
        token = PersonalAccessToken.objects.create(
            user=user,
            organization=org,
            name=name.strip(),
            token_hash=hash_secret(secret),
            display_prefix=display_prefix(secret),
            expires_at=expires_at,
        )
        _audit_token("token.create", token)
    return token, secret


def authenticate_token(secret: str) -> PersonalAccessToken | None:
    """Return the active token with this secret, or None."""
    if not secret.startswith(PAT_PREFIX):
        return None
    token = (
        PersonalAccessToken.objects.select_related("user", "organization")
        .filter(token_hash=hash_secret(secret))
        .first()
    )
    if token is None or not token.is_active or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
        PersonalAccessToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token


def revoke_token(token: PersonalAccessToken) -> None:
    """Revoke a token; revoking twice is harmless."""
    if token.revoked_at is None:
        with transaction.atomic():
            PersonalAccessToken.objects.filter(pk=token.pk, revoked_at=None).update(
                revoked_at=timezone.now()
            )
            _audit_token("token.revoke", token)
        token.refresh_from_db(fields=["revoked_at"])


def _audit_token(action: str, token: PersonalAccessToken) -> None:
    audit.record(
        action,
        organization=token.organization_id,
        target_type="personal_access_token",
        target_id=token.pk,
        target_label=f"{token.name} ({token.display_prefix}…) of {token.user.email}",
    )
