"""The nodes table in a real Chromium at a laptop's width (1280 px) and a phone's (390 px):
every column can be reached, and the page itself never scrolls sideways on the phone.
Screenshots land in test-artifacts/."""

from typing import Any

import pytest

from tests.dashboard.test_dashboard_browser import (  # noqa: F401  (fixtures)
    ARTIFACTS,
    browser,
    sign_in,
    site,
)
from tests.support.cluster import Cluster
from tests.support.processes import wait_for

pytestmark = pytest.mark.browser

COLUMNS = [
    "Node",
    "Labels",
    "Software",
    "Sync mode",
    "Config (node / CP)",
    "Status",
    "Last payload",
    "Total sent",
    "Commit → ack",
    "Last seen",
]


def open_nodes_page(browser: Any, site: Cluster, width: int) -> Any:  # noqa: F811
    context = browser.new_context(
        viewport={"width": width, "height": 900}, base_url=site.server.url
    )
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    sign_in(page, site)
    page.goto(f"/control-planes/{site.cp_id}/nodes/")
    page.wait_for_selector("tr.node-row")
    return page


# One script, so a live update that re-renders the rows cannot detach what is being checked.
# A column is reachable when its header is shown, or scrolled into view inside the table's own
# container; on a phone, where nodes are stacked as cards, when each value is shown in the
# viewport under the column's name.
UNREACHABLE_COLUMNS = """names => names.filter(name => {
  const inView = el => { el.scrollIntoView({block: "nearest", inline: "nearest"});
    const r = el.getBoundingClientRect();
    return r.width > 0 && r.height > 0 && r.left >= -1 && r.right <= innerWidth + 1; };
  const header = [...document.querySelectorAll("table.table-nodes th")]
    .find(th => th.textContent.trim() === name);
  if (header && header.offsetParent !== null) return !inView(header);
  const cell = document.querySelector(`tr.node-row td[data-label="${name}"]`);
  return !(cell && inView(cell) && getComputedStyle(cell, "::before").content === `"${name}"`);
})"""


@pytest.fixture(scope="module")
def fleet(site: Cluster) -> Cluster:  # noqa: F811
    for name in ("edge-eu-west-1a-gateway-01", "edge-us-east-1b-gateway-02"):
        agent = site.agent(name, labels=("zone=eu-west-1a", "tier=edge", "team=payments"))
        agent.wait_version(site.version())
    nodes = f"/v2/control-planes/{site.cp_id}/nodes"
    wait_for(
        lambda: all(n["connected"] and n["in_sync"] for n in site.api("GET", nodes)[1]["data"]),
        what="both nodes connected and in sync",
    )
    return site


@pytest.mark.parametrize("width", [1280, 390])
def test_every_nodes_column_can_be_reached_and_the_page_does_not_overflow(
    browser: Any,  # noqa: F811
    fleet: Cluster,
    width: int,
) -> None:
    page = open_nodes_page(browser, fleet, width)
    try:
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"nodes-table-{width}px.png"), full_page=True)
        scroller = page.locator(".table-scroll")
        if width > 640 and scroller.evaluate("el => el.scrollWidth > el.clientWidth + 1"):
            # Wider than its card: the hint says so, and goes once the last column is in view.
            assert page.locator(".scroll-hint").is_visible()
        assert page.evaluate(UNREACHABLE_COLUMNS, COLUMNS) == []
        if width <= 640:
            assert not page.locator("table.table-nodes th").first.is_visible()
        page.evaluate("window.scrollTo(0, 0)")
        overflow = page.evaluate("document.documentElement.scrollWidth - innerWidth")
        page.screenshot(path=str(ARTIFACTS / f"nodes-table-{width}px-end.png"), full_page=True)
        assert overflow <= 0
        assert page.errors == []
    finally:
        page.context.close()
