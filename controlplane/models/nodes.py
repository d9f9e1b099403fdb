"""Data-plane nodes, the tokens that register them, and their sync history."""

import uuid

from django.db import models

from controlplane.models.control_planes import ControlPlane
from controlplane.models.tenancy import User
from controlplane.models.tokens import BearerToken
from kongcore import protocol
from kongcore.hashing import EMPTY_HASH


class RegistrationToken(BearerToken):
    """A ``kdpr_`` token that a node exchanges for its own credential.

    The rule: reusable until it expires or is revoked; with ``max_uses`` set, it is refused
    once that many nodes have registered with it (``uses`` counts them).
    """

    control_plane = models.ForeignKey(
        ControlPlane, on_delete=models.CASCADE, related_name="registration_tokens"
    )
    created_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    max_uses = models.PositiveIntegerField(null=True, blank=True)
    uses = models.PositiveIntegerField(default=0)

    @property
    def used_up(self) -> bool:
        return self.max_uses is not None and self.uses >= self.max_uses

    @property
    def is_active(self) -> bool:
        return super().is_active and not self.used_up


class DataPlaneNode(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    control_plane = models.ForeignKey(ControlPlane, on_delete=models.CASCADE, related_name="nodes")
    name = models.CharField(max_length=200)
    hostname = models.CharField(max_length=255, blank=True, default="")
    labels = models.JSONField(default=dict, blank=True)
    version = models.CharField(max_length=50, blank=True, default="")
    credential_hash = models.CharField(max_length=64, unique=True)
    registered_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    sync_mode = models.CharField(
        max_length=12,
        choices=[(mode, mode) for mode in protocol.SYNC_MODES],
        default=protocol.INCREMENTAL,
    )
    connected = models.BooleanField(default=False)
    config_version = models.BigIntegerField(default=0)
    config_hash = models.CharField(max_length=64, default=EMPTY_HASH)
    last_payload = models.JSONField(null=True, blank=True)
    total_wire_bytes = models.BigIntegerField(default=0)
    total_raw_bytes = models.BigIntegerField(default=0)
    last_apply_ms = models.FloatField(null=True, blank=True)
    last_commit_to_ack_ms = models.FloatField(null=True, blank=True)
    last_ping = models.DateTimeField(null=True, blank=True)
    delta_count = models.BigIntegerField(default=0)
    snapshot_count = models.BigIntegerField(default=0)
    # Node health (controlplane/health.py): since when the node has lacked the current config,
    # when it last acknowledged a version, and the gateway's own verdict on the config.
    behind_since = models.DateTimeField(null=True, blank=True)
    last_ack_at = models.DateTimeField(null=True, blank=True)
    sync_status = models.CharField(max_length=40, default="normal")
    # The last state the webhook evaluator announced ("" before its first look), so each
    # transition fires once even with several server processes (a compare-and-set update).
    alert_state = models.CharField(max_length=16, blank=True, default="")

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class NodeSyncRecord(models.Model):
    """One acknowledged payload: what a node received for a version, and how fast."""

    node = models.ForeignKey(DataPlaneNode, on_delete=models.CASCADE, related_name="sync_records")
    control_plane = models.ForeignKey(ControlPlane, on_delete=models.CASCADE, related_name="+")
    at = models.DateTimeField()
    payload_type = models.CharField(max_length=8)  # a protocol.PayloadType
    version = models.BigIntegerField()
    wire_bytes = models.BigIntegerField()
    raw_bytes = models.BigIntegerField()
    apply_ms = models.FloatField()
    commit_to_ack_ms = models.FloatField(null=True)

    class Meta:
        ordering = ["-at"]
        indexes = [models.Index(fields=["control_plane", "version"], name="sync_record_cp_version")]

    def __str__(self) -> str:
        return f"{self.node_id}@{self.version} {self.payload_type}"
