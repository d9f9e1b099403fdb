"""The audit log page in a real Chromium against a real daphne: a failed sign-in and an API
write appear with their actor, address and result, filters narrow them, and the page keeps
the CSP. Screenshots land in test-artifacts/audit-*.png."""

from typing import Any

import pytest

from tests.dashboard.test_dashboard_browser import (  # noqa: F401  (fixtures)
    EMAIL,
    browser,
    page,
    screenshot,
    sign_in,
    site,
)
from tests.support.cluster import Cluster

pytestmark = pytest.mark.browser


def test_the_audit_log_shows_who_did_what_and_what_was_refused(
    page: Any,  # noqa: F811
    site: Cluster,  # noqa: F811
) -> None:
    status, _ = site.core("POST", "/services", {"name": "audited", "host": "a.test"})
    assert status == 201
    page.goto("/accounts/login/")
    page.fill("input[name=username]", EMAIL)
    page.fill("input[name=password]", "not-the-password")
    page.click("button[type=submit]")
    sign_in(page, site)
    page.locator("nav a", has_text="Audit log").click()
    page.wait_for_url("**/audit-log/")
    table = page.locator("table.table-audit")
    assert table.locator("tr", has_text="entity.create").filter(has_text="audited").is_visible()
    refused = table.locator("tr", has_text="login.failed")
    assert refused.is_visible() and "refused (401)" in refused.inner_text()
    screenshot(page, "audit-log")
    page.select_option("select[name=result]", "refused")
    page.click("form.filters button[type=submit]")
    page.wait_for_url("**/audit-log/?*result=refused*")
    assert table.locator("tr", has_text="entity.create").count() == 0
    screenshot(page, "audit-log-refused")
    assert page.errors == []
