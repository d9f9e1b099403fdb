"""Reverting in a real Chromium against a real daphne: "Revert to this version" shows the diff,
the confirmation dialog guards the write, and the result is one version with the target's
hash. Screenshots land in test-artifacts/revert-*.png."""

from typing import Any

import pytest

from tests.dashboard.test_dashboard_browser import (  # noqa: F401  (fixtures)
    browser,
    page,
    screenshot,
    sign_in,
    site,
)
from tests.support.cluster import Cluster

pytestmark = pytest.mark.browser


def versions(site: Cluster) -> dict[int, str]:  # noqa: F811
    """Each retained version's hash, read through the API."""
    status, body = site.api("GET", f"/v2/control-planes/{site.cp_id}/changes?size=1000")
    assert status == 200, body
    return {item["version"]: item["config_hash"] for item in body["data"]}


def head(site: Cluster) -> tuple[int, str]:  # noqa: F811
    status, body = site.api("GET", f"/v2/control-planes/{site.cp_id}")
    assert status == 200, body
    return body["config_version"], body["config_hash"]


def make_history(site: Cluster) -> int:  # noqa: F811
    """A service, then changes to undo: a port, a new route and consumer, the service's path."""
    status, body = site.core("POST", "/services", {"name": "billing", "host": "b.internal"})
    assert status == 201, body
    target, _ = head(site)
    steps = [
        ("PATCH", "/services/billing", {"port": 8443, "protocol": "https"}),
        ("POST", "/services/billing/routes", {"name": "invoices", "paths": ["/invoices"]}),
        ("POST", "/consumers", {"username": "ann"}),
    ]
    for method, path, payload in steps:
        status, body = site.core(method, path, payload)
        assert status in (200, 201), body
    return target


def test_reverting_shows_the_diff_then_asks_before_writing_one_version(
    page: Any,  # noqa: F811
    site: Cluster,  # noqa: F811
) -> None:
    target = make_history(site)
    before = head(site)
    sign_in(page, site)
    page.goto(f"/control-planes/{site.cp_id}/changes/")
    screenshot(page, "revert-01-history")
    page.locator(f"a[href$='/changes/{target}/revert/']").first.click()
    page.wait_for_url(f"**/changes/{target}/revert/")
    assert page.locator("h1").inner_text() == f"Revert to version {target}"
    diff = page.locator("#diff")
    assert diff.locator("td.mono", has_text="port").first.is_visible()
    assert "8443" in diff.inner_text() and "80" in diff.inner_text()
    assert "invoices" in diff.inner_text() and "ann" in diff.inner_text()
    screenshot(page, "revert-02-diff")

    # Dismissing the confirmation sends nothing: htmx asks before it makes the request.
    page.once("dialog", lambda dialog: dialog.dismiss())
    page.click("#confirm-revert")
    assert page.url.endswith(f"/changes/{target}/revert/") and head(site) == before

    questions: list[str] = []

    def accept(dialog: Any) -> None:
        questions.append(dialog.message)
        dialog.accept()

    page.once("dialog", accept)
    page.click("#confirm-revert")
    page.wait_for_url(f"**/control-planes/{site.cp_id}/changes/")
    assert questions and f"to version {target}?" in questions[0]
    flash = page.locator(".flash-success").inner_text()
    assert f"Reverted to version {target} as version {before[0] + 1}" in flash
    screenshot(page, "revert-03-done")
    assert head(site) == (before[0] + 1, versions(site)[target])
    assert page.errors == []
