"""Control planes: one Kong configuration each, with its current version."""

import uuid

from django.db import models

from controlplane.models.tenancy import Organization
from kongcore import protocol
from kongcore.hashing import EMPTY_HASH


class ControlPlane(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="control_planes"
    )
    name = models.CharField(max_length=100)
    description = models.TextField(blank=True, default="")
    labels = models.JSONField(default=dict, blank=True)
    incremental_sync = models.BooleanField(default=True)
    # The version and hash of the config as of the last committed write. Only the change-log
    # writer changes them, under a row lock, so versions never skip or repeat.
    config_version = models.BigIntegerField(default=0)
    config_hash = models.CharField(max_length=64, default=EMPTY_HASH)
    # Grows by one with every node revocation, under the same row lock as versions, so a
    # version records how many revocations committed before it. A sync connection delivers a
    # version only after it has checked its node against revocations up to that count.
    revocation_epoch = models.BigIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization", "name"], name="cp_name_unique_in_org")
        ]
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def sync_mode(self) -> protocol.SyncMode:
        """The mode this control plane offers; ``incremental_sync`` is Konnect's API name."""
        return protocol.INCREMENTAL if self.incremental_sync else protocol.FULL
