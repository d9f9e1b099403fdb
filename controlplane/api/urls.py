"""The REST API's routes, under ``/v2``."""

from django.urls import path
from drf_spectacular.views import SpectacularJSONAPIView

from controlplane.api.views.audit_logs import AuditLogView
from controlplane.api.views.certificates import CertificateCollectionView, CertificateItemView
from controlplane.api.views.changes import ChangeLogView
from controlplane.api.views.consumer_groups import (
    ConsumerGroupsView,
    ConsumerGroupView,
    GroupConsumersView,
    GroupConsumerView,
)
from controlplane.api.views.control_planes import ControlPlaneCollectionView, ControlPlaneItemView
from controlplane.api.views.declarative import DeclarativeConfigView
from controlplane.api.views.entities import (
    EntityCollectionView,
    EntityItemView,
    NestedCollectionView,
    NestedItemView,
)
from controlplane.api.views.nodes import (
    ExpectedConfigView,
    NodeCollectionView,
    NodeItemView,
    RegisterNodeView,
    RegistrationTokenCollectionView,
    RegistrationTokenItemView,
)
from controlplane.api.views.revert import RevertView
from controlplane.api.views.root import CoreRootView, EnabledPluginsView
from controlplane.api.views.schemas import (
    EntitySchemaView,
    PluginSchemaView,
    SchemaValidationView,
)
from controlplane.api.views.tokens import TokenCollectionView, TokenItemView
from controlplane.api.views.webhooks import (
    WebhookCollectionView,
    WebhookDeliveriesView,
    WebhookItemView,
    WebhookTestView,
)

CP = "v2/control-planes/<str:cp_id>"
CORE = f"{CP}/core-entities"

urlpatterns = [
    path("v2/openapi.json", SpectacularJSONAPIView.as_view(), name="openapi"),
    path("v2/control-planes", ControlPlaneCollectionView.as_view()),
    path(f"{CP}", ControlPlaneItemView.as_view()),
    path(f"{CP}/changes", ChangeLogView.as_view()),
    path(f"{CP}/declarative-config", DeclarativeConfigView.as_view()),
    path(f"{CP}/revert", RevertView.as_view()),
    # Endpoints with more than the generic entity behaviour come before the generic ones.
    path(
        f"{CORE}/certificates", CertificateCollectionView.as_view(), {"collection": "certificates"}
    ),
    path(
        f"{CORE}/certificates/<str:key>",
        CertificateItemView.as_view(),
        {"collection": "certificates"},
    ),
    path(f"{CORE}/consumer_groups/<str:group>/consumers", GroupConsumersView.as_view()),
    path(
        f"{CORE}/consumer_groups/<str:group>/consumers/<str:consumer>",
        GroupConsumerView.as_view(),
    ),
    path(f"{CORE}/consumers/<str:consumer>/consumer_groups", ConsumerGroupsView.as_view()),
    path(
        f"{CORE}/consumers/<str:consumer>/consumer_groups/<str:group>",
        ConsumerGroupView.as_view(),
    ),
    path(f"{CORE}/", CoreRootView.as_view()),
    path(f"{CORE}/plugins/enabled", EnabledPluginsView.as_view()),
    # Before the generic patterns, which would take "schemas" for a collection.
    path(f"{CORE}/schemas/<str:entity_type>/validate", SchemaValidationView.as_view()),
    path(f"{CORE}/schemas/plugins/<str:name>", PluginSchemaView.as_view()),
    path(f"{CORE}/schemas/<str:entity_type>", EntitySchemaView.as_view()),
    path(f"{CORE}/<str:collection>", EntityCollectionView.as_view()),
    path(f"{CORE}/<str:collection>/<str:key>", EntityItemView.as_view()),
    path(f"{CORE}/<str:collection>/<str:key>/<str:child>", NestedCollectionView.as_view()),
    path(
        f"{CORE}/<str:collection>/<str:key>/<str:child>/<str:child_key>",
        NestedItemView.as_view(),
    ),
    path(f"{CP}/nodes", NodeCollectionView.as_view()),
    path(f"{CP}/nodes/<str:node_id>", NodeItemView.as_view()),
    path(f"{CP}/expected-config", ExpectedConfigView.as_view()),
    path(f"{CP}/dp-registration-tokens", RegistrationTokenCollectionView.as_view()),
    path(f"{CP}/dp-registration-tokens/<str:token_id>", RegistrationTokenItemView.as_view()),
    path(f"{CP}/webhooks", WebhookCollectionView.as_view()),
    path(f"{CP}/webhooks/<str:webhook_id>", WebhookItemView.as_view()),
    path(f"{CP}/webhooks/<str:webhook_id>/deliveries", WebhookDeliveriesView.as_view()),
    path(f"{CP}/webhooks/<str:webhook_id>/test", WebhookTestView.as_view()),
    path("v2/dataplane/register", RegisterNodeView.as_view()),
    path("v2/audit-logs", AuditLogView.as_view()),
    path("v2/personal-access-tokens", TokenCollectionView.as_view()),
    path("v2/personal-access-tokens/<str:token_id>", TokenItemView.as_view()),
]
