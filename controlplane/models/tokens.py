"""Bearer tokens: shown once, stored only as a hash, revocable, optionally expiring."""

import uuid

from django.db import models
from django.utils import timezone

from controlplane.models.tenancy import Organization, User


class BearerToken(models.Model):
    """What every token kind shares: a name, the secret's hash, expiry and revocation."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(max_length=100)
    token_hash = models.CharField(max_length=64, unique=True)
    # The first characters, so a person can tell tokens apart without the secret.
    display_prefix = models.CharField(max_length=16)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.name} ({self.display_prefix}…)"

    @property
    def is_active(self) -> bool:
        if self.revoked_at is not None:
            return False
        return self.expires_at is None or self.expires_at > timezone.now()


class PersonalAccessToken(BearerToken):
    """A ``kpat_`` token acting as its user within one organization."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="tokens")
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="tokens")
    last_used_at = models.DateTimeField(null=True, blank=True)
