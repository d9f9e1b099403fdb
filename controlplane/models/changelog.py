"""The versioned change log that incremental sync streams to data planes."""

from django.db import models

from controlplane.models.control_planes import ControlPlane


class ConfigVersion(models.Model):
    """One committed write of a control plane: its version number and resulting hash."""

    control_plane = models.ForeignKey(
        ControlPlane, on_delete=models.CASCADE, related_name="versions"
    )
    version = models.BigIntegerField()
    created_at = models.DateTimeField()
    actor = models.CharField(max_length=200)
    config_hash = models.CharField(max_length=64)
    change_count = models.IntegerField()
    # Size of this version's delta message, uncompressed and as sent.
    raw_bytes = models.BigIntegerField(default=0)
    wire_bytes = models.BigIntegerField(default=0)
    # The control plane's revocation_epoch when this version committed.
    revocation_epoch = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["control_plane", "version"], name="version_unique")
        ]
        ordering = ["version"]

    def __str__(self) -> str:
        return f"{self.control_plane_id}@{self.version}"


class Operation(models.TextChoices):
    CREATE = "create"
    UPDATE = "update"
    DELETE = "delete"


class Change(models.Model):
    """One entity's change within a version: the entity after and before."""

    config_version = models.ForeignKey(
        ConfigVersion, on_delete=models.CASCADE, related_name="changes"
    )
    seq = models.IntegerField()
    op = models.CharField(max_length=6, choices=Operation.choices)
    entity_type = models.CharField(max_length=40)
    entity_id = models.UUIDField()
    entity = models.JSONField(null=True)
    old_entity = models.JSONField(null=True)

    class Meta:
        ordering = ["config_version", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["config_version", "seq"], name="change_seq_unique")
        ]

    def __str__(self) -> str:
        return f"{self.op} {self.entity_type}:{self.entity_id}"
