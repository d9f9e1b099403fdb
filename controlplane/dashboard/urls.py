"""The dashboard's pages. Each URL is one action; writes are POSTs to their own URL."""

from django.urls import path

from controlplane.dashboard.views import (
    accounts,
    assets,
    audit,
    changes,
    config,
    control_planes,
    entities,
    members,
    nodes,
    tokens,
    webhooks,
)

app_name = "dashboard"

CP = "control-planes/<uuid:cp_id>"
ENTITY = f"{CP}/entities/<str:entity_type>/<str:entity_id>"

urlpatterns = [
    path("static/<path:path>", assets.static_file, name="static"),
    path("accounts/login/", accounts.sign_in, name="login"),
    path("accounts/logout/", accounts.sign_out, name="logout"),
    path("organization/switch/", accounts.switch_organization, name="switch-org"),
    path("", control_planes.list_control_planes, name="control-planes"),
    path("control-planes/new/", control_planes.new_control_plane, name="new-control-plane"),
    path("control-planes/", control_planes.create_control_plane, name="create-control-plane"),
    path(f"{CP}/", control_planes.show_control_plane, name="control-plane"),
    path(f"{CP}/edit/", control_planes.edit_control_plane, name="edit-control-plane"),
    path(f"{CP}/update/", control_planes.update_control_plane, name="update-control-plane"),
    path(f"{CP}/delete/", control_planes.delete_control_plane, name="delete-control-plane"),
    path(f"{CP}/entities/<str:entity_type>/", entities.list_entities, name="entities"),
    path(f"{CP}/entities/<str:entity_type>/new/", entities.new_entity, name="new-entity"),
    path(f"{CP}/entities/<str:entity_type>/create/", entities.create_entity, name="create-entity"),
    path(f"{ENTITY}/", entities.show_entity, name="entity"),
    path(f"{ENTITY}/update/", entities.update_entity, name="update-entity"),
    path(f"{ENTITY}/delete/", entities.delete_entity, name="delete-entity"),
    path(f"{CP}/changes/", changes.list_changes, name="changes"),
    path(f"{CP}/changes/<int:version>/", changes.show_version, name="version"),
    path(f"{CP}/changes/<int:version>/revert/", changes.review_revert, name="review-revert"),
    path(f"{CP}/changes/<int:version>/revert/apply/", changes.revert_to_version, name="revert"),
    path(f"{CP}/config/", config.show_config, name="config"),
    path(f"{CP}/config/download/", config.download_config, name="download-config"),
    path(f"{CP}/config/upload/", config.upload_config, name="upload-config"),
    path(f"{CP}/config/apply/", config.apply_config, name="apply-config"),
    path(f"{CP}/nodes/", nodes.list_nodes, name="nodes"),
    path(f"{CP}/nodes/rows/", nodes.list_node_rows, name="node-rows"),
    path(f"{CP}/nodes/add/", nodes.new_node, name="add-node"),
    path(
        f"{CP}/nodes/add/token/", nodes.create_registration_token, name="create-registration-token"
    ),
    path(
        f"{CP}/registration-tokens/<uuid:token_id>/revoke/",
        nodes.revoke_registration_token,
        name="revoke-registration-token",
    ),
    path(f"{CP}/nodes/<uuid:node_id>/", nodes.show_node, name="node"),
    path(f"{CP}/nodes/<uuid:node_id>/revoke/", nodes.revoke_node, name="revoke-node"),
    path(f"{CP}/health-banner/", webhooks.show_health_banner, name="health-banner"),
    path(f"{CP}/webhooks/", webhooks.list_webhooks, name="webhooks"),
    path(f"{CP}/webhooks/create/", webhooks.create_webhook, name="create-webhook"),
    path(
        f"{CP}/webhooks/<uuid:webhook_id>/delete/", webhooks.delete_webhook, name="delete-webhook"
    ),
    path(f"{CP}/webhooks/<uuid:webhook_id>/test/", webhooks.test_webhook, name="test-webhook"),
    path("tokens/", tokens.list_tokens, name="tokens"),
    path("tokens/create/", tokens.create_token, name="create-token"),
    path("tokens/<str:token_id>/revoke/", tokens.revoke_token, name="revoke-token"),
    path("members/", members.list_members, name="members"),
    path("members/add/", members.add_member, name="add-member"),
    path("members/<int:member_id>/role/", members.change_role, name="change-role"),
    path("members/<int:member_id>/remove/", members.remove_member, name="remove-member"),
    path("audit-log/", audit.list_audit_events, name="audit-log"),
]
