"""The audit log: who did what, when, from where, and whether it was allowed."""

from django.db import models

from controlplane.models.tenancy import Organization


class ActorKind(models.TextChoices):
    USER = "user"
    TOKEN = "token"
    SYSTEM = "system"
    ANONYMOUS = "anonymous"


class AuditResult(models.TextChoices):
    OK = "ok"
    REFUSED = "refused"


class AuditEvent(models.Model):
    """One action through the API, the dashboard or a management command.

    Labels are copied, not linked: the log must still say who did what after the user, the
    token or the control plane is gone. A label never holds a secret (a token is named by its
    name and display prefix). ``organization`` is empty only for failed sign-ins of unknown
    accounts, which no organization may see.
    """

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(db_index=True)
    actor_kind = models.CharField(max_length=10, choices=ActorKind.choices)
    actor_label = models.CharField(max_length=300)
    address = models.CharField(max_length=64, blank=True, default="")
    action = models.CharField(max_length=50)
    target_type = models.CharField(max_length=50, blank=True, default="")
    target_id = models.CharField(max_length=100, blank=True, default="")
    target_label = models.CharField(max_length=300, blank=True, default="")
    control_plane_id = models.UUIDField(null=True, blank=True)
    result = models.CharField(max_length=10, choices=AuditResult.choices, default=AuditResult.OK)
    status = models.PositiveSmallIntegerField(null=True, blank=True)
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        indexes = [models.Index(fields=["organization", "-id"], name="audit_org_newest")]

    def __str__(self) -> str:
        return f"{self.actor_label} {self.action} {self.target_type}:{self.target_label}"
