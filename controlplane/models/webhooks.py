"""Webhooks: where a control plane's alerts are sent, and each delivery's fate."""

import uuid

from django.db import models

from controlplane.models.control_planes import ControlPlane

NODE_OUT_OF_SYNC = "node.out_of_sync"
NODE_OFFLINE = "node.offline"
NODE_BACK_IN_SYNC = "node.back_in_sync"
NODE_NACK = "node.nack"
VERSION_CREATED = "version.created"
WEBHOOK_EVENTS = (NODE_OUT_OF_SYNC, NODE_OFFLINE, NODE_BACK_IN_SYNC, NODE_NACK, VERSION_CREATED)


class Webhook(models.Model):
    """A receiver URL, the events it wants, and the secret that signs each body.

    The secret is stored as given (it must sign every body, so a hash would not do) and the
    API shows it once, at creation; afterwards only its prefix.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    control_plane = models.ForeignKey(
        ControlPlane, on_delete=models.CASCADE, related_name="webhooks"
    )
    url = models.URLField(max_length=2000)
    events = models.JSONField(default=list)
    secret = models.CharField(max_length=200)
    enabled = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.url


class WebhookDelivery(models.Model):
    """One event for one webhook: enqueued in the transaction that caused it, sent later."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    webhook = models.ForeignKey(Webhook, on_delete=models.CASCADE, related_name="deliveries")
    event = models.CharField(max_length=40)
    payload = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)
    attempts = models.IntegerField(default=0)
    # When the next attempt is due; None once delivered or given up.
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    status_code = models.IntegerField(null=True, blank=True)
    error = models.TextField(blank=True, default="")

    class Meta:
        ordering = ["-created_at", "id"]
        indexes = [models.Index(fields=["next_attempt_at"], name="webhook_delivery_due")]

    def __str__(self) -> str:
        return f"{self.event} → {self.webhook_id}"

    @property
    def state(self) -> str:
        if self.delivered_at is not None:
            return "delivered"
        return "pending" if self.next_attempt_at is not None else "failed"
