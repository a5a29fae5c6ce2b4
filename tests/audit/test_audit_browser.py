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


def test_the_operator_and_the_record_are_typed_by_name(page, users, campuses):
    from eduflow.extensions import db
    from tests import factories

    factories.make_lead(campuses[0], name="王小明", owner=users["sales"])
    factories.make_lead(campuses[0], name="李四", owner=users["sales"])
    db.session.commit()
    sign_in(page, "sales", "a-wrong-password")
    sign_in(page, "admin", PASSWORD)
    page.goto("/admin/audit")
    results = page.get_by_test_id("audit-results")
    page.get_by_test_id("filter-actor").press_sequentially("Sal")
    expect(page.locator("#audit-people option[value='Sales (sales)']")).to_have_count(1)
    expect(page.locator("#audit-people option[value='Sales2 (sales2)']")).to_have_count(1)
    page.get_by_test_id("filter-actor").fill("系统 / 未登录")
    page.get_by_test_id("filter-actor").press("Tab")  # leaving the field fires the change htmx listens for
    expect(results.locator("[data-action=login_failed]")).to_have_count(1)
    expect(results.get_by_test_id("audit-actor").filter(has_not_text="系统 / 未登录")).to_have_count(0)
    page.wait_for_url("**actor=*")
    page.get_by_test_id("filter-actor").fill("Admin")
    page.get_by_test_id("filter-actor").press("Tab")  # leaving the field fires the change htmx listens for
    expect(results.locator("[data-action=login_failed]")).to_have_count(0)
    expect(results.get_by_test_id("form-error")).to_have_count(0)

    page.get_by_test_id("filter-actor").fill("")
    page.get_by_test_id("filter-actor").press("Tab")  # leaving the field fires the change htmx listens for
    page.get_by_test_id("filter-entity").select_option("leads")
    page.get_by_test_id("filter-record").press_sequentially("小")
    expect(page.locator("#audit-records option[value='王小明']")).to_have_count(1)
    page.get_by_test_id("filter-record").fill("王小明")
    page.get_by_test_id("filter-record").press("Tab")  # leaving the field fires the change htmx listens for
    expect(results.locator("[data-entity=leads]")).to_have_count(1)
    expect(results).not_to_contain_text("李四")
    screenshot(page, "admin-audit-by-name-tablet")
    page.get_by_test_id("filter-actor").fill("李")
    page.get_by_test_id("filter-actor").press("Tab")  # leaving the field fires the change htmx listens for
    expect(results.get_by_test_id("form-error")).to_contain_text("没有找到")
