"""The dashboard in a real headless Chromium, against a real daphne server.

Debian's ``chromium`` (scripts/install-browser.sh) is driven by Playwright; no browser is
ever downloaded. Screenshots land in test-artifacts/. Without Chromium these tests skip,
except under CI=true, where they fail.
"""

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.support.cluster import ADMIN_EMAIL, ADMIN_PASSWORD, Cluster, sqlite_env, start_cluster
from tests.support.processes import ROOT, wait_for

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = ROOT / "test-artifacts"
# Every Content-Security-Policy violation becomes a console error, which the page fixture
# collects: Chromium logs some of them itself, this reports all of them, with the directive.
REPORT_CSP_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  console.error(`CSP violation: ${event.violatedDirective} blocked ${event.blockedURI}`);
});
"""
EMAIL, PASSWORD = ADMIN_EMAIL, ADMIN_PASSWORD


def require_chromium() -> None:
    if CHROMIUM.exists():
        return
    message = (
        f"browser tests need Debian's Chromium at {CHROMIUM}; run scripts/install-browser.sh "
        "as root (make test does) to include them"
    )
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    require_chromium()
    tmp = tmp_path_factory.mktemp("browser")
    cluster = start_cluster(tmp, sqlite_env(tmp), org="acme", cp="production")
    try:
        yield cluster
    finally:
        cluster.stop()


@pytest.fixture(scope="module")
def browser(site: Cluster) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def page(browser: Any, site: Cluster) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1440, "height": 900}, base_url=site.server.url)
    context.add_init_script(REPORT_CSP_VIOLATIONS)
    tab = context.new_page()
    tab.errors = []
    tab.on("pageerror", lambda error: tab.errors.append(str(error)))
    tab.on("console", lambda msg: msg.type == "error" and tab.errors.append(msg.text))
    try:
        yield tab
    finally:
        context.close()


def screenshot(page: Any, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def sign_in(page: Any, site: Cluster) -> None:
    page.goto("/")
    page.wait_for_url("**/accounts/login/?next=/")
    page.fill("input[name=username]", EMAIL)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{site.server.url}/")


def test_signing_in_shows_the_control_planes(page: Any, site: Cluster) -> None:
    page.goto("/accounts/login/")
    screenshot(page, "01-sign-in")
    sign_in(page, site)
    assert page.locator("h1").inner_text() == "Control planes"
    assert page.locator("table.table a", has_text="production").is_visible()
    screenshot(page, "02-control-planes")
    assert page.errors == []


def test_creating_a_route_in_the_browser_is_a_new_version(page: Any, site: Cluster) -> None:
    status, body = site.core(
        "POST", "/services", {"name": "billing", "url": "http://billing.internal:8080"}
    )
    assert status == 201, body
    before = site.version()
    sign_in(page, site)
    page.goto(f"/control-planes/{site.cp_id}/entities/routes/new/")
    page.fill("#id_name", "billing-route")
    page.fill("#id_service", "billing")
    page.fill("#id_paths", "/billing, /invoices")
    page.fill("#id_methods", "GET, POST")
    screenshot(page, "03-new-route")
    page.click("main button[type=submit]")
    page.wait_for_url(f"**/control-planes/{site.cp_id}/entities/routes/")
    assert f"created in version {before + 1}" in page.locator(".flash").inner_text()
    assert page.locator("#entity-table", has_text="billing-route").is_visible()
    screenshot(page, "04-routes")
    status, route = site.core("GET", "/routes/billing-route")
    assert status == 200 and route["paths"] == ["/billing", "/invoices"]
    assert page.errors == []


def test_a_live_nodes_version_changes_on_the_nodes_page_without_a_reload(
    page: Any, site: Cluster
) -> None:
    agent = site.agent("edge-eu-1", labels=("zone=eu-west-1a",))
    agent.wait_version(site.version())
    sign_in(page, site)
    page.goto(f"/control-planes/{site.cp_id}/nodes/")
    page.wait_for_selector("[data-live-indicator][data-state=open]", timeout=15_000)
    row = page.locator("tr.node-row", has_text="edge-eu-1")
    version = site.version()
    wait_for(
        lambda: row.get_attribute("data-config-version") == str(version),
        what="the node at the CP's version",
    )
    page.evaluate("window.notReloaded = true")

    status, body = site.core(
        "POST", "/services", {"name": "orders", "url": "http://orders.internal"}
    )
    assert status == 201, body
    agent.wait_version(version + 1)

    from playwright.sync_api import expect

    expect(row).to_have_attribute("data-config-version", str(version + 1), timeout=15_000)
    expect(row.locator(".status")).to_have_text("In sync", timeout=15_000)
    expect(page.locator("#cp-summary [data-config-version]")).to_have_text(f"v{version + 1}")
    assert page.evaluate("window.notReloaded") is True
    screenshot(page, "05-nodes-live")
    assert page.errors == []


def test_every_page_renders_in_the_browser_without_script_errors(page: Any, site: Cluster) -> None:
    sign_in(page, site)
    status, nodes = site.api("GET", f"/v2/control-planes/{site.cp_id}/nodes")
    node_id = nodes["data"][0]["id"] if status == 200 and nodes["data"] else None
    pages = {
        "06-overview": f"/control-planes/{site.cp_id}/",
        "07-services": f"/control-planes/{site.cp_id}/entities/services/",
        "08-edit-service": f"/control-planes/{site.cp_id}/entities/services/billing/",
        "09-history": f"/control-planes/{site.cp_id}/changes/",
        "10-version": f"/control-planes/{site.cp_id}/changes/1/",
        "11-config": f"/control-planes/{site.cp_id}/config/",
        "12-add-node": f"/control-planes/{site.cp_id}/nodes/add/",
        "13-tokens": "/tokens/",
        "14-members": "/members/",
        "15-edit-control-plane": f"/control-planes/{site.cp_id}/edit/",
        "16-empty-plugins": f"/control-planes/{site.cp_id}/entities/plugins/",
    }
    if node_id:
        pages["17-node"] = f"/control-planes/{site.cp_id}/nodes/{node_id}/"
    for name, path in pages.items():
        response = page.goto(path)
        assert response is not None and response.status == 200, (path, response and response.status)
        screenshot(page, name)
    page.goto(f"/control-planes/{site.cp_id}/nodes/add/")
    page.click("main button[type=submit]")
    page.wait_for_selector("#register-commands")
    assert "konnectlite-dp register --server" in page.locator("#register-commands").inner_text()
    screenshot(page, "18-add-node-command")
    assert page.errors == []


def test_htmx_writes_carry_the_csrf_token(page: Any, site: Cluster) -> None:
    """A confirmed htmx POST passes Django's CSRF check (the token rides in hx-headers)."""
    sign_in(page, site)
    page.goto(f"/control-planes/{site.cp_id}/nodes/add/")
    page.fill("#id_name", "to-revoke")
    page.click("main button[type=submit]")
    page.wait_for_selector("#register-commands")
    page.on("dialog", lambda dialog: dialog.accept())
    page.locator("tr", has_text="to-revoke").locator("button", has_text="Revoke").click()
    page.wait_for_selector(".flash-success")
    assert "Registration token “to-revoke” revoked" in page.locator(".flash").inner_text()
    assert page.errors == []


def test_an_upload_is_reviewed_before_it_is_applied(page: Any, site: Cluster) -> None:
    sign_in(page, site)
    before = site.version()
    page.goto(f"/control-planes/{site.cp_id}/config/")
    with page.expect_download() as download:
        page.click("text=Download YAML")
    exported = yaml.safe_load(Path(download.value.path()).read_text())
    assert exported["_format_version"] == "3.0" and exported["services"]
    # Round trip: the downloaded file, with one more service, uploaded back.
    exported["services"].append(
        {
            "name": "payments",
            "url": "https://payments.internal",
            "routes": [{"name": "pay", "paths": ["/pay"]}],
        }
    )
    deck = yaml.safe_dump(exported)
    page.fill("#id_text", deck)
    page.click("main button[type=submit]")
    page.wait_for_selector("#diff")
    assert "Nothing has been applied yet" in page.content()
    screenshot(page, "19-declarative-review")
    assert site.version() == before
    page.click("main button[type=submit]")
    page.wait_for_url(f"**/control-planes/{site.cp_id}/changes/")
    assert "Configuration applied as version" in page.locator(".flash").inner_text()
    assert site.version() == before + 1
    screenshot(page, "20-history-after-apply")
    assert page.errors == []


def test_the_dashboard_pages_raise_no_csp_violation(page: Any, site: Cluster) -> None:
    """The CSP forbids inline script, inline style and eval; no page needs any of them."""
    site.agent("edge-csp").wait_version(site.version())  # a node: meters and rows to draw
    response = page.goto("/accounts/login/")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    sign_in(page, site)
    paths = [
        "/",
        f"/control-planes/{site.cp_id}/",
        f"/control-planes/{site.cp_id}/nodes/",
        f"/control-planes/{site.cp_id}/entities/services/",
        f"/control-planes/{site.cp_id}/entities/services/new/",
        f"/control-planes/{site.cp_id}/changes/",
        f"/control-planes/{site.cp_id}/config/",
        f"/control-planes/{site.cp_id}/nodes/add/",
        "/tokens/",
        "/members/",
    ]
    for path in paths:
        response = page.goto(path)
        assert response is not None and response.status == 200, path
        assert "unsafe-inline" not in response.headers["content-security-policy"]
        page.wait_for_load_state("networkidle")
    # The live socket is allowed by the policy: the badge turns live.
    page.goto(f"/control-planes/{site.cp_id}/nodes/")
    page.wait_for_selector("[data-live-indicator][data-state=open]", timeout=15_000)
    assert page.errors == []


def test_a_csp_violation_would_be_seen(page: Any, site: Cluster) -> None:
    """The check above can fail: an inline script is blocked and reported."""
    page.goto("/accounts/login/")
    page.evaluate(
        "() => { const s = document.createElement('script');"
        " s.textContent = 'window.inlineRan = true'; document.body.append(s); }"
    )
    page.wait_for_function("() => true")
    assert page.evaluate("window.inlineRan === true") is False
    assert any("CSP violation: script-src" in error for error in page.errors), page.errors
