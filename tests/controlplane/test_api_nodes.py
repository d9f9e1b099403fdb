"""Registration tokens, node registration, the nodes list and the expected config."""

from typing import Any

import pytest
from rest_framework.test import APIClient

from controlplane.errors import Unauthorized
from controlplane.models import ControlPlane, DataPlaneNode, RegistrationToken
from controlplane.secrets import hash_secret
from controlplane.services import nodes


def tokens_url(cp: ControlPlane) -> str:
    return f"/v2/control-planes/{cp.pk}/dp-registration-tokens"


def register(token: str, **body: Any) -> Any:
    payload = {
        "name": "edge-1",
        "hostname": "edge-1.local",
        "labels": {"region": "eu"},
        "version": "1.0",
        **body,
    }
    return APIClient().post(
        "/v2/dataplane/register", payload, format="json", HTTP_AUTHORIZATION=f"Bearer {token}"
    )


def registered_node(cp: ControlPlane) -> DataPlaneNode:
    _, secret = nodes.create_registration_token(cp, name="t", created_by=None)
    node, _ = nodes.register_node(secret, name="edge-1", hostname="h", labels={}, version="1.0")
    return node


def test_an_admin_creates_a_registration_token_with_the_command_to_run(
    owner_api: APIClient, cp: ControlPlane
) -> None:
    response = owner_api.post(tokens_url(cp), {"name": "edge"}, format="json")
    assert response.status_code == 201
    body = response.json()
    assert body["token"].startswith("kdpr_")
    assert (
        body["command"]
        == f"konnectlite-dp register --server http://testserver --token {body['token']}"
    )
    stored = RegistrationToken.objects.get(pk=body["id"])
    assert (
        stored.token_hash == hash_secret(body["token"]) and body["token"] not in stored.token_hash
    )
    listed = owner_api.get(tokens_url(cp)).json()["data"]
    assert [t["id"] for t in listed] == [body["id"]] and "token" not in listed[0]


def test_registration_tokens_require_auth(cp: ControlPlane) -> None:
    assert APIClient().post(tokens_url(cp), {}, format="json").status_code == 401


def test_registration_tokens_of_other_orgs_are_hidden(
    outsider_api: APIClient, cp: ControlPlane
) -> None:
    assert outsider_api.post(tokens_url(cp), {}, format="json").status_code == 404
    assert outsider_api.get(tokens_url(cp)).status_code == 404


def test_viewers_cannot_create_registration_tokens(viewer_api: APIClient, cp: ControlPlane) -> None:
    response = viewer_api.post(tokens_url(cp), {}, format="json")
    assert response.status_code == 403
    assert response.json()["name"] == "forbidden"


def test_a_token_registers_a_node_with_its_own_credential(
    owner_api: APIClient, cp: ControlPlane
) -> None:
    token = owner_api.post(tokens_url(cp), {}, format="json").json()["token"]
    response = register(token)
    assert response.status_code == 201
    body = response.json()
    assert body["credential"].startswith("kdpn_")
    assert body["control_plane_id"] == str(cp.pk)
    assert body["sync_url"] == "ws://testserver/v2/dataplane/sync"
    node = DataPlaneNode.objects.get(pk=body["node_id"])
    assert node.credential_hash == hash_secret(body["credential"])
    assert (node.name, node.labels) == ("edge-1", {"region": "eu"})


def test_a_revoked_or_expired_token_registers_nothing(
    owner_api: APIClient, cp: ControlPlane
) -> None:
    created = owner_api.post(tokens_url(cp), {}, format="json").json()
    assert owner_api.delete(f"{tokens_url(cp)}/{created['id']}").status_code == 204
    response = register(created["token"])
    assert response.status_code == 401
    assert response.json()["message"] == "invalid, expired or revoked registration token"
    assert register("kdpr_made_up").status_code == 401
    assert not DataPlaneNode.objects.exists()


@pytest.mark.parametrize(
    "body", [{"labels": ["a"]}, {"labels": {"a": 1}}, {"name": 7}, {"hostname": "h" * 300}]
)
def test_registration_refuses_malformed_fields(
    owner_api: APIClient, cp: ControlPlane, body: dict[str, Any]
) -> None:
    token = owner_api.post(tokens_url(cp), {}, format="json").json()["token"]
    response = register(token, **body)
    assert response.status_code == 400
    assert response.json()["name"] == "schema violation"


def test_nodes_are_listed_with_their_sync_state(owner_api: APIClient, cp: ControlPlane) -> None:
    node = registered_node(cp)
    body = owner_api.get(f"/v2/control-planes/{cp.pk}/nodes").json()
    assert body["next"] is None
    (item,) = body["data"]
    expected = {
        "id",
        "name",
        "hostname",
        "labels",
        "version",
        "sync_mode",
        "connected",
        "config_version",
        "config_hash",
        "in_sync",
        "last_payload",
        "total_wire_bytes",
        "last_apply_ms",
        "last_commit_to_ack_ms",
        "last_ping",
        "delta_count",
        "snapshot_count",
    }
    assert expected <= set(item)
    assert (item["id"], item["connected"], item["in_sync"]) == (str(node.pk), False, True)
    single = owner_api.get(f"/v2/control-planes/{cp.pk}/nodes/{node.pk}").json()
    assert single["id"] == str(node.pk)


def test_nodes_paginate_like_other_lists(owner_api: APIClient, cp: ControlPlane) -> None:
    for _ in range(3):
        registered_node(cp)
    first = owner_api.get(f"/v2/control-planes/{cp.pk}/nodes?size=2").json()
    second = owner_api.get(first["next"]).json()
    assert len(first["data"]) == 2 and len(second["data"]) == 1 and second["next"] is None


def test_nodes_of_other_orgs_are_hidden(outsider_api: APIClient, cp: ControlPlane) -> None:
    node = registered_node(cp)
    assert outsider_api.get(f"/v2/control-planes/{cp.pk}/nodes").status_code == 404
    assert outsider_api.get(f"/v2/control-planes/{cp.pk}/nodes/{node.pk}").status_code == 404
    assert outsider_api.delete(f"/v2/control-planes/{cp.pk}/nodes/{node.pk}").status_code == 404


def test_viewers_see_nodes_but_cannot_revoke_them(viewer_api: APIClient, cp: ControlPlane) -> None:
    node = registered_node(cp)
    assert viewer_api.get(f"/v2/control-planes/{cp.pk}/nodes/{node.pk}").status_code == 200
    assert viewer_api.delete(f"/v2/control-planes/{cp.pk}/nodes/{node.pk}").status_code == 403


def test_deleting_a_node_revokes_it_and_hides_it(owner_api: APIClient, cp: ControlPlane) -> None:
    node = registered_node(cp)
    assert owner_api.delete(f"/v2/control-planes/{cp.pk}/nodes/{node.pk}").status_code == 204
    node.refresh_from_db()
    assert node.revoked_at is not None
    assert owner_api.get(f"/v2/control-planes/{cp.pk}/nodes/{node.pk}").status_code == 404
    assert owner_api.get(f"/v2/control-planes/{cp.pk}/nodes").json()["data"] == []
    assert owner_api.delete(f"/v2/control-planes/{cp.pk}/nodes/{node.pk}").status_code == 204


def test_the_expected_config_is_the_current_version_and_hash(
    owner_api: APIClient, cp: ControlPlane
) -> None:
    owner_api.post(
        f"/v2/control-planes/{cp.pk}/core-entities/consumers", {"username": "u"}, format="json"
    )
    cp.refresh_from_db()
    body = owner_api.get(f"/v2/control-planes/{cp.pk}/expected-config").json()
    assert body == {"version": 1, "hash": cp.config_hash}


def test_an_invalid_node_id_answers_404(owner_api: APIClient, cp: ControlPlane) -> None:
    assert owner_api.get(f"/v2/control-planes/{cp.pk}/nodes/not-a-uuid").status_code == 404


@pytest.mark.parametrize("days", [0, 10**9, "²", "x", True])
def test_registration_token_expiry_must_be_a_sensible_number_of_days(
    owner_api: APIClient, cp: ControlPlane, days: Any
) -> None:
    response = owner_api.post(tokens_url(cp), {"expires_in_days": days}, format="json")
    assert response.status_code == 400
    assert response.json()["fields"] == {
        "expires_in_days": response.json()["fields"]["expires_in_days"]
    }


def test_an_expired_registration_token_registers_nothing(
    owner_api: APIClient, cp: ControlPlane
) -> None:
    from datetime import timedelta

    from django.utils import timezone

    created = owner_api.post(tokens_url(cp), {"expires_in_days": 1}, format="json").json()
    RegistrationToken.objects.filter(pk=created["id"]).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    assert register(created["token"]).status_code == 401


def test_an_api_token_expires_after_one_day_like_the_dashboards(
    owner_api: APIClient, cp: ControlPlane
) -> None:
    from datetime import timedelta

    from django.utils import timezone

    body = owner_api.post(tokens_url(cp), {"name": "edge"}, format="json").json()
    token = RegistrationToken.objects.get(pk=body["id"])
    assert token.expires_at is not None
    assert abs(token.expires_at - (timezone.now() + timedelta(days=1))) < timedelta(minutes=1)
    assert body["max_uses"] is None and body["uses"] == 0


def test_a_token_without_max_uses_registers_many_nodes(
    owner_api: APIClient, cp: ControlPlane
) -> None:
    created = owner_api.post(tokens_url(cp), {}, format="json").json()
    for name in ("edge-1", "edge-2", "edge-3"):
        assert register(created["token"], name=name).status_code == 201
    shown = owner_api.get(f"{tokens_url(cp)}/{created['id']}").json()
    assert shown["uses"] == 3 and shown["active"] is True


def test_a_token_with_max_uses_is_refused_once_used_up(
    owner_api: APIClient, cp: ControlPlane
) -> None:
    created = owner_api.post(tokens_url(cp), {"max_uses": 2}, format="json").json()
    assert created["max_uses"] == 2
    assert register(created["token"], name="a").status_code == 201
    assert register(created["token"], name="b").status_code == 201
    refused = register(created["token"], name="c")
    assert refused.status_code == 401
    assert refused.json()["message"] == (
        "this registration token was already used 2 times, its max_uses; create a new one"
    )
    assert DataPlaneNode.objects.filter(control_plane=cp).count() == 2
    shown = owner_api.get(f"{tokens_url(cp)}/{created['id']}").json()
    assert shown["uses"] == 2 and shown["active"] is False


def test_a_registration_that_loses_the_race_for_the_last_use_is_refused(
    cp: ControlPlane,
) -> None:
    token, secret = nodes.create_registration_token(cp, name="t", created_by=None, max_uses=1)
    # Another node took the last use after this one read the token.
    RegistrationToken.objects.filter(pk=token.pk).update(uses=1)
    with pytest.raises(Unauthorized):
        nodes._count_use(token)
    assert RegistrationToken.objects.get(pk=token.pk).uses == 1


@pytest.mark.parametrize("uses", [0, -1, 10**9, "x", True])
def test_max_uses_must_be_a_sensible_number(
    owner_api: APIClient, cp: ControlPlane, uses: Any
) -> None:
    response = owner_api.post(tokens_url(cp), {"max_uses": uses}, format="json")
    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["max_uses"]
