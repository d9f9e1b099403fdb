"""Models of the control plane, one module per idea."""

from controlplane.models.audit import ActorKind, AuditEvent, AuditResult
from controlplane.models.changelog import Change, ConfigVersion
from controlplane.models.control_planes import ControlPlane
from controlplane.models.entities import Entity, EntityRef, UniqueKey
from controlplane.models.nodes import DataPlaneNode, NodeSyncRecord, RegistrationToken
from controlplane.models.tenancy import Membership, Organization, Role, User
from controlplane.models.tokens import PersonalAccessToken
from controlplane.models.webhooks import Webhook, WebhookDelivery

__all__ = [
    "ActorKind",
    "AuditEvent",
    "AuditResult",
    "Change",
    "ConfigVersion",
    "ControlPlane",
    "DataPlaneNode",
    "Entity",
    "EntityRef",
    "Membership",
    "NodeSyncRecord",
    "Organization",
    "PersonalAccessToken",
    "RegistrationToken",
    "Role",
    "UniqueKey",
    "User",
    "Webhook",
    "WebhookDelivery",
]
