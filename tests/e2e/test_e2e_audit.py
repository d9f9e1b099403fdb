"""The audit log under a real daphne: the actor set per request survives ASGI's threads."""

import pytest

from tests.support.cluster import Cluster

pytestmark = pytest.mark.e2e


def test_an_api_write_is_recorded_with_its_token_and_address(cluster: Cluster) -> None:
    status, _ = cluster.core("POST", "/services", {"name": "audited", "host": "a.test"})
    assert status == 201
    status, body = cluster.api("GET", "/v2/audit-logs?action=entity.create")
    assert status == 200
    event = body["data"][0]
    assert event["target"]["label"] == "audited" and event["address"] == "127.0.0.1"
    assert event["actor"]["kind"] == "token" and "(token cli, kpat_" in event["actor"]["label"]


def test_the_token_made_by_the_command_is_recorded_as_the_commands(cluster: Cluster) -> None:
    _, body = cluster.api("GET", "/v2/audit-logs?action=token.create")
    assert body["data"][-1]["actor"] == {"kind": "system", "label": "manage.py create_token"}
