"""审计日志 in the real browser on a tablet: changing a filter swaps the results in place and keeps the URL."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser_support import screenshot, sign_in
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


def test_filters_swap_the_results_and_push_the_url(page, users):
    sign_in(page, "sales", "a-wrong-password")
    sign_in(page, "admin", PASSWORD)
    page.goto("/admin/audit")
    results = page.get_by_test_id("audit-results")
    expect(results.locator("[data-action=create]").first).to_be_visible()
    page.get_by_test_id("filter-action").select_option("login_failed")
    expect(results.locator("[data-action=create]")).to_have_count(0)
    expect(results.locator("[data-action=login_failed]")).to_have_count(1)
    expect(results).to_contain_text("sales")
    assert "action=login_failed" in page.url
    screenshot(page, "admin-audit-tablet")
    page.fill("#date_from", "2030-01-02")  # fill() fires the change event htmx listens for
    expect(results.get_by_test_id("audit-empty")).to_be_visible()
    page.fill("#date_to", "2030-01-01")
    expect(results.get_by_test_id("form-error")).to_contain_text("结束日期")
