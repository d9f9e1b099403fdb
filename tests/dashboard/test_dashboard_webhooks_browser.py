"""The out-of-sync banner and the webhooks page in a real Chromium, against a real daphne
and a real konnectlite-dp agent frozen and resumed. Screenshots land in
test-artifacts/webhooks-*.png."""

import os
import signal
from collections.abc import Iterator
from typing import Any

import pytest

from tests.dashboard.test_dashboard_browser import (  # noqa: F401  (fixtures)
    browser,
    page,
    require_chromium,
    screenshot,
    sign_in,
)
from tests.support.cluster import Cluster, sqlite_env, start_cluster
from tests.support.webhook_receiver import Receiver, webhook_receiver

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    """A server whose nodes count as out of sync after 2 s instead of 30."""
    require_chromium()
    tmp = tmp_path_factory.mktemp("webhooks-browser")
    env = sqlite_env(tmp)
    env.update(KONNECTLITE_OUT_OF_SYNC_GRACE="2", KONNECTLITE_STALE_AFTER="1")
    cluster = start_cluster(tmp, env, org="acme", cp="production")
    try:
        yield cluster
    finally:
        cluster.stop()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with webhook_receiver() as receiver:
        yield receiver


def test_the_banner_appears_while_a_node_is_out_of_sync_and_deliveries_are_listed(
    page: Any,  # noqa: F811
    site: Cluster,
    receiver: Receiver,
) -> None:
    events = ["node.out_of_sync", "node.back_in_sync", "version.created"]
    hooks = f"/v2/control-planes/{site.cp_id}/webhooks"
    status, _ = site.api("POST", hooks, {"url": receiver.url, "events": events})
    assert status == 201
    agent = site.agent("edge-1")
    sign_in(page, site)
    page.goto(f"/control-planes/{site.cp_id}/nodes/")
    page.wait_for_selector("#health-banner", state="attached")
    assert page.locator(".health-banner").count() == 0

    assert agent.process is not None
    os.kill(agent.process.pid, signal.SIGSTOP)  # connected, but applies and acks nothing
    try:
        assert site.core("POST", "/services", {"name": "billing", "host": "b.internal"})[0] == 201
        banner = page.wait_for_selector(".health-banner", timeout=30_000)
        assert banner is not None
        text = banner.inner_text()
        assert "1 node out of sync" in text and "edge-1" in text and "1 version behind" in text
        screenshot(page, "webhooks-banner-out-of-sync")
    finally:
        os.kill(agent.process.pid, signal.SIGCONT)
    page.wait_for_selector(".health-banner", state="detached", timeout=30_000)
    screenshot(page, "webhooks-banner-cleared")

    receiver.wait_for(lambda got: [r.event for r in got].count("node.back_in_sync") >= 1)
    page.locator("nav a", has_text="Webhooks").click()
    page.wait_for_url("**/webhooks/")
    table = page.locator("table.table-deliveries")
    for event in events:
        row = table.locator("tr.delivery", has_text=event).first
        assert "200 delivered" in row.inner_text(), event
    screenshot(page, "webhooks-deliveries")
    assert page.errors == []


def test_an_admin_creates_a_webhook_in_the_browser_and_sees_its_secret_once(
    page: Any,  # noqa: F811
    site: Cluster,
    receiver: Receiver,
) -> None:
    sign_in(page, site)
    page.goto(f"/control-planes/{site.cp_id}/webhooks/")
    page.fill("input[name=url]", receiver.url)
    page.check("input[name=events][value='node.nack']")
    page.locator("button", has_text="Create webhook").click()
    secret = page.locator("#new-webhook code").inner_text()
    assert secret.startswith("whsec_")
    screenshot(page, "webhooks-created")
    mine = page.locator("section.webhook", has_text=receiver.url)
    mine.locator("button", has_text="Send a test event").click()
    page.wait_for_url("**/webhooks/")
    receiver.wait_for(lambda got: "webhook.test" in [r.event for r in got])
    page.reload()
    assert secret not in page.content()
    assert mine.locator("tr.delivery", has_text="webhook.test").count() == 1
    assert page.errors == []
