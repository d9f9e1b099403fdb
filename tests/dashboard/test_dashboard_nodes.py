"""The nodes page, each node's page, the sync chart, and adding a node."""

import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from controlplane.models import ControlPlane, DataPlaneNode, NodeSyncRecord, RegistrationToken
from controlplane.services.entities import create_entity
from controlplane.services.nodes import register_node
from tests.dashboard.conftest import many_nodes

MakeNode = Callable[..., DataPlaneNode]


def current(cp: ControlPlane) -> ControlPlane:
    return ControlPlane.objects.get(pk=cp.pk)


def record(node: DataPlaneNode, version: int, kind: str, wire: int, raw: int) -> None:
    NodeSyncRecord.objects.create(
        node=node,
        control_plane_id=node.control_plane_id,
        at=timezone.now(),
        payload_type=kind,
        version=version,
        wire_bytes=wire,
        raw_bytes=raw,
        apply_ms=1.5,
        commit_to_ack_ms=12.0,
    )


def test_the_table_shows_everything_about_each_node(
    alice_client: Client, cp: ControlPlane, make_node: MakeNode
) -> None:
    create_entity(cp, "services", {"name": "billing", "host": "b"}, actor="t")
    head = current(cp)
    node = make_node(
        "edge-1",
        config_version=1,
        config_hash=head.config_hash,
        sync_mode="incremental",
        last_payload={"type": "delta", "wire_bytes": 1536, "raw_bytes": 4096, "version": 1},
        total_wire_bytes=3 * 1024 * 1024,
        last_commit_to_ack_ms=42.4,
    )
    page = alice_client.get(f"/control-planes/{cp.pk}/nodes/").content.decode()
    row = page.split(f'id="node-{node.pk}"')[1].split("</tr>")[0]
    assert "edge-1" in row and "edge-1.internal" in row and "zone=a" in row and "0.1.0" in row
    assert "incremental" in row and "v1" in row and "In sync" in row
    assert ">delta<" in row and 'title="1,536 bytes">1.5 KiB' in row and "4.0 KiB" in row
    assert 'title="3,145,728 bytes">3.0 MiB' in row
    assert "42 ms" in row and "just now" in row


@pytest.mark.parametrize(
    "state,status",
    [
        ({"config_version": 0}, "Behind"),
        ({"config_version": 1, "config_hash": "f" * 64}, "Stale"),
        ({"config_version": 7}, "Stale"),
        ({"config_version": 0, "behind_since": timezone.now() - timedelta(minutes=5)}, "Stale"),
        ({"sync_status": "unsupported_plugin"}, "Incompatible"),
        ({"connected": False}, "Offline"),
        ({"last_ping": timezone.now() - timedelta(hours=1)}, "Offline"),
    ],
)
def test_each_node_has_a_status(
    alice_client: Client, cp: ControlPlane, make_node: MakeNode, state: dict[str, Any], status: str
) -> None:
    create_entity(cp, "services", {"name": "billing", "host": "b"}, actor="t")
    node = make_node(**state)
    page = alice_client.get(f"/control-planes/{cp.pk}/nodes/").content.decode()
    row = page.split(f'id="node-{node.pk}"')[1].split("</tr>")[0]
    assert f">{status}</span>" in row


def row_names(page: str) -> list[str]:
    return re.findall(r'class="strong" href="[^"]+">([^<]+)</a>', page)


@pytest.mark.parametrize("count", [8, 120])
def test_the_nodes_page_costs_the_same_queries_for_any_number_of_nodes(
    alice_client: Client, cp: ControlPlane, count: int, django_assert_max_num_queries: Any
) -> None:
    many_nodes(cp, count)
    alice_client.get(f"/control-planes/{cp.pk}/nodes/")
    # session, user, membership, control plane, its counts, node count, page, chart (2), switcher
    with django_assert_max_num_queries(11):
        assert alice_client.get(f"/control-planes/{cp.pk}/nodes/?page=2").status_code == 200


def test_the_table_shows_fifty_nodes_a_page_ordered_by_name(
    alice_client: Client, cp: ControlPlane
) -> None:
    many_nodes(cp, 120)
    first = alice_client.get(f"/control-planes/{cp.pk}/nodes/").content.decode()
    second = alice_client.get(f"/control-planes/{cp.pk}/nodes/?page=2").content.decode()
    assert row_names(first) == [f"node-{n:03}" for n in range(50)]
    assert row_names(second) == [f"node-{n:03}" for n in range(50, 100)]
    assert "51–100 of 120" in second and "?page=3" in second and "?page=1" in second


def test_an_out_of_range_page_shows_the_last_one(alice_client: Client, cp: ControlPlane) -> None:
    many_nodes(cp, 60)
    page = alice_client.get(f"/control-planes/{cp.pk}/nodes/?page=9").content.decode()
    assert row_names(page) == [f"node-{n:03}" for n in range(50, 60)]


def test_the_counts_cover_every_node_not_only_the_page(
    alice_client: Client, cp: ControlPlane
) -> None:
    many_nodes(cp, 70)
    DataPlaneNode.objects.filter(name__in=["node-065", "node-066"]).update(connected=False)
    page = alice_client.get(f"/control-planes/{cp.pk}/nodes/").content.decode()
    summary = page.split('id="cp-summary"')[1].split("</section>")[0]
    assert '68<span class="stat-of"> / 70</span>' in summary
    assert '68<span class="stat-of"> / 70</span>' in summary.split("Nodes in sync")[1]


@pytest.mark.parametrize(
    "status,expected",
    [
        ("in_sync", ["in-sync"]),
        ("behind", ["behind"]),
        ("stale", ["newer", "other-hash", "waited"]),
        ("incompatible", ["refused"]),
        ("offline", ["gone", "silent"]),
        (
            "nonsense",
            ["behind", "gone", "in-sync", "newer", "other-hash", "refused", "silent", "waited"],
        ),
    ],
)
def test_the_table_filters_by_status(
    alice_client: Client, cp: ControlPlane, make_node: MakeNode, status: str, expected: list[str]
) -> None:
    create_entity(cp, "services", {"name": "billing", "host": "b"}, actor="t")
    head = current(cp)
    make_node("in-sync", config_version=1, config_hash=head.config_hash)
    make_node("behind", config_version=0)
    make_node("newer", config_version=7)
    make_node("other-hash", config_version=1, config_hash="f" * 64)
    make_node("gone", connected=False, config_version=1, config_hash=head.config_hash)
    make_node("silent", last_ping=None)
    make_node("waited", config_version=0, behind_since=timezone.now() - timedelta(minutes=5))
    make_node("refused", sync_status="unsupported_plugin")
    url = f"/control-planes/{cp.pk}/nodes/?status={status}"
    assert row_names(alice_client.get(url).content.decode()) == expected


@pytest.mark.parametrize(
    "q,expected",
    [("EDGE", ["edge-1", "edge-2"]), ("core.internal", ["core"]), ("eu-west", ["edge-2"])],
)
def test_the_table_searches_names_hostnames_and_labels(
    alice_client: Client, cp: ControlPlane, make_node: MakeNode, q: str, expected: list[str]
) -> None:
    make_node("edge-1")
    make_node("edge-2", labels={"region": "eu-west"})
    make_node("core")
    page = alice_client.get(f"/control-planes/{cp.pk}/nodes/", {"q": q}).content.decode()
    assert row_names(page) == expected


def test_a_key_value_search_matches_one_label_exactly(
    alice_client: Client, cp: ControlPlane, make_node: MakeNode
) -> None:
    make_node("a", labels={"zone": "a"})
    make_node("b", labels={"zone": "ab"})
    page = alice_client.get(f"/control-planes/{cp.pk}/nodes/", {"q": "zone=a"}).content.decode()
    assert row_names(page) == ["a"]


def test_the_pages_keep_the_filter(alice_client: Client, cp: ControlPlane) -> None:
    many_nodes(cp, 120, connected=False)
    url = f"/control-planes/{cp.pk}/nodes/?status=offline&q=node&page=2"
    page = alice_client.get(url).content.decode()
    assert 'href="?status=offline&amp;q=node&amp;page=3"' in page
    assert "live?nodes=1&amp;status=offline&amp;q=node&amp;page=2" in page


def test_a_filter_without_matches_says_so(alice_client: Client, cp: ControlPlane) -> None:
    page = alice_client.get(f"/control-planes/{cp.pk}/nodes/?status=behind&q=zz").content.decode()
    assert "No nodes match" in page and "No behind node matches “zz”" in page


def test_the_page_joins_the_live_socket_and_has_a_polling_fallback(
    alice_client: Client, cp: ControlPlane
) -> None:
    page = alice_client.get(f"/control-planes/{cp.pk}/nodes/").content.decode()
    assert f'ws-connect="/ws/control-planes/{cp.pk}/live?nodes=1&amp;page=1"' in page
    assert 'hx-ext="ws"' in page
    assert f'hx-get="/control-planes/{cp.pk}/nodes/rows/?page=1"' in page


def test_the_polling_fallback_shows_the_same_page(alice_client: Client, cp: ControlPlane) -> None:
    many_nodes(cp, 60)
    body = alice_client.get(f"/control-planes/{cp.pk}/nodes/rows/?page=2").content.decode()
    assert row_names(body) == [f"node-{n:03}" for n in range(50, 60)]


def test_the_rows_partial_is_the_table_body_alone(
    alice_client: Client, cp: ControlPlane, make_node: MakeNode
) -> None:
    make_node("edge-1")
    body = alice_client.get(f"/control-planes/{cp.pk}/nodes/rows/").content.decode()
    assert (
        body.lstrip().startswith('<tbody id="node-rows"')
        and "edge-1" in body
        and "<html" not in body
    )


def test_without_nodes_the_page_says_how_to_add_one(alice_client: Client, cp: ControlPlane) -> None:
    page = alice_client.get(f"/control-planes/{cp.pk}/nodes/").content.decode()
    assert "No data-plane nodes yet" in page and f"/control-planes/{cp.pk}/nodes/add/" in page


def test_revoked_nodes_are_not_listed(
    alice_client: Client, cp: ControlPlane, make_node: MakeNode
) -> None:
    make_node("gone", revoked_at=timezone.now())
    assert "gone" not in alice_client.get(f"/control-planes/{cp.pk}/nodes/").content.decode()


def test_the_chart_compares_bytes_per_version_for_incremental_and_full_nodes(
    alice_client: Client, cp: ControlPlane, make_node: MakeNode
) -> None:
    inc, full = make_node("inc"), make_node("full", sync_mode="full")
    record(inc, 1, "delta", 300, 500)
    record(full, 1, "snapshot", 40_000, 90_000)
    record(inc, 2, "delta", 310, 510)
    record(full, 2, "snapshot", 40_100, 90_100)
    page = alice_client.get(f"/control-planes/{cp.pk}/nodes/").content.decode()
    chart = page.split('id="sync-chart"')[1].split("</svg>")[0]
    assert (
        chart.count('class="bar bar-delta"') == 2 and chart.count('class="bar bar-snapshot"') == 2
    )
    assert "v1 · snapshot · 1 node · 39.1 KiB sent (40,000 bytes" in chart
    assert ">v1<" in chart and ">v2<" in chart


def test_without_sync_records_the_chart_explains_itself(
    alice_client: Client, cp: ControlPlane
) -> None:
    page = alice_client.get(f"/control-planes/{cp.pk}/nodes/").content.decode()
    assert "No payloads acknowledged yet" in page


def test_a_node_page_shows_its_recent_sync_history(
    alice_client: Client, cp: ControlPlane, make_node: MakeNode
) -> None:
    node = make_node("edge-1")
    record(node, 1, "snapshot", 2048, 8192)
    record(node, 2, "delta", 300, 500)
    page = alice_client.get(f"/control-planes/{cp.pk}/nodes/{node.pk}/").content.decode()
    assert "Recent sync history" in page and "last 2 payloads" in page
    assert ">snapshot<" in page and ">delta<" in page and "2.0 KiB" in page and "8.0 KiB" in page


def test_an_admin_adds_a_node_and_sees_the_command_once(
    alice_client: Client, cp: ControlPlane
) -> None:
    page = alice_client.post(
        f"/control-planes/{cp.pk}/nodes/add/token/", {"name": "edge", "expires_in_days": "1"}
    ).content.decode()
    assert "konnectlite-dp register --server http://testserver --token kdpr_" in page
    assert "konnectlite-dp run" in page and "shown only once" in page
    secret = page.split("--token ")[1].split("<")[0]
    node, _ = register_node(secret, name="n", hostname="h", labels={}, version="1")
    assert node.control_plane_id == cp.pk
    again = alice_client.get(f"/control-planes/{cp.pk}/nodes/add/").content.decode()
    assert secret not in again and "edge" in again


def test_an_admin_revokes_a_registration_token(alice_client: Client, cp: ControlPlane) -> None:
    alice_client.post(f"/control-planes/{cp.pk}/nodes/add/token/", {"name": "edge"})
    token = RegistrationToken.objects.get()
    alice_client.post(f"/control-planes/{cp.pk}/registration-tokens/{token.pk}/revoke/")
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_an_admin_revokes_a_node(
    alice_client: Client, cp: ControlPlane, make_node: MakeNode
) -> None:
    node = make_node()
    response = alice_client.post(f"/control-planes/{cp.pk}/nodes/{node.pk}/revoke/")
    assert response.status_code == 302
    node.refresh_from_db()
    assert node.revoked_at is not None
    assert alice_client.get(f"/control-planes/{cp.pk}/nodes/{node.pk}/").status_code == 404


def test_viewers_see_nodes_but_no_write_controls(
    charlie_client: Client, cp: ControlPlane, make_node: MakeNode
) -> None:
    node = make_node("edge-1")
    page = charlie_client.get(f"/control-planes/{cp.pk}/nodes/").content.decode()
    assert "edge-1" in page and "Add data-plane node" not in page
    assert (
        "Revoke"
        not in charlie_client.get(f"/control-planes/{cp.pk}/nodes/{node.pk}/").content.decode()
    )


@pytest.mark.parametrize(
    "method,path",
    [
        ("get", "nodes/add/"),
        ("post", "nodes/add/token/"),
        ("post", "nodes/{node}/revoke/"),
        ("post", "registration-tokens/{token}/revoke/"),
    ],
)
def test_viewers_are_refused_node_writes(
    charlie_client: Client, cp: ControlPlane, make_node: MakeNode, method: str, path: str
) -> None:
    node = make_node()
    token = RegistrationToken.objects.get()
    response = getattr(charlie_client, method)(
        f"/control-planes/{cp.pk}/" + path.format(node=node.pk, token=token.pk)
    )
    assert response.status_code == 403
    assert RegistrationToken.objects.count() == 1 and DataPlaneNode.objects.get().revoked_at is None


@pytest.mark.parametrize(
    "method,path",
    [
        ("get", "nodes/"),
        ("get", "nodes/rows/"),
        ("get", "nodes/{node}/"),
        ("get", "nodes/add/"),
        ("post", "nodes/add/token/"),
        ("post", "nodes/{node}/revoke/"),
    ],
)
def test_another_organizations_nodes_are_not_found(
    bob_client: Client, cp: ControlPlane, make_node: MakeNode, method: str, path: str
) -> None:
    node = make_node()
    response = getattr(bob_client, method)(f"/control-planes/{cp.pk}/" + path.format(node=node.pk))
    assert response.status_code == 404
    assert DataPlaneNode.objects.get().revoked_at is None


def test_anonymous_visitors_are_sent_to_sign_in(cp: ControlPlane) -> None:
    assert Client().get(f"/control-planes/{cp.pk}/nodes/").status_code == 302


def test_the_add_node_page_states_that_tokens_are_reusable_until_expiry(
    alice_client: Client, cp: ControlPlane
) -> None:
    page = alice_client.get(f"/control-planes/{cp.pk}/nodes/add/").content.decode()
    assert "join <strong>" in page and "once" not in page
    assert "It is reusable" in page and "until it expires or is revoked" in page
    assert "1 day when left empty, as in the API." in page and "Max uses" in page


def test_a_dashboard_token_left_without_expiry_expires_in_one_day_with_max_uses(
    alice_client: Client, cp: ControlPlane
) -> None:
    alice_client.post(
        f"/control-planes/{cp.pk}/nodes/add/token/", {"name": "edge", "max_uses": "3"}
    )
    token = RegistrationToken.objects.get(control_plane=cp, name="edge")
    assert token.max_uses == 3 and token.expires_at is not None
    assert abs(token.expires_at - (timezone.now() + timedelta(days=1))) < timedelta(minutes=1)
    page = alice_client.get(f"/control-planes/{cp.pk}/nodes/add/").content.decode()
    assert "0 of 3" in page


def test_a_nodes_snapshots_are_counted_as_snapshots_not_full_syncs(
    alice_client: Client, cp: ControlPlane
) -> None:
    (node,) = many_nodes(cp, 1, delta_count=1, snapshot_count=9)
    page = alice_client.get(f"/control-planes/{cp.pk}/nodes/{node.pk}/").content.decode()
    assert "1 delta · 9 snapshots" in page and "synces" not in page
    listing = alice_client.get(f"/control-planes/{cp.pk}/nodes/").content.decode()
    assert "1 Δ · 9 snapshots" in listing and "full nodes" not in listing.lower()
    assert 'data-label="Commit → ack"' in listing and "data-scroll-hint" in listing


def test_the_chart_legend_names_deltas_and_snapshots_for_what_they_are(
    alice_client: Client, cp: ControlPlane
) -> None:
    incremental, full = many_nodes(cp, 2)
    record(incremental, 1, "snapshot", 4096, 8192)  # an incremental node's first sync
    record(incremental, 2, "delta", 300, 500)
    record(full, 2, "snapshot", 4096, 8192)
    page = alice_client.get(f"/control-planes/{cp.pk}/nodes/").content.decode()
    legend = re.sub(r"<[^>]+>", "", page.split('class="legend"')[1].split("</div>")[0])
    assert "Deltas: 300 B in 1 payload" in legend
    assert "Snapshots (first syncs, resyncs and full-mode nodes): 8.0 KiB in 2 payloads" in legend
    assert "Incremental nodes" not in page and "full nodes" not in page.lower()
