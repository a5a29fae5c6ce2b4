"""Admin screens in the real browser on a tablet: htmx classroom rows, course form, deactivation with an heir."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from eduflow.extensions import db
from eduflow.models import LeadInheritance
from tests import factories
from tests.browser_support import screenshot, sign_in
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


def test_classrooms_are_added_and_edited_in_place_on_the_campus_page(page, users, campuses):
    sign_in(page, "admin", PASSWORD)
    page.goto(f"/admin/campuses/{campuses[0].id}/edit")
    page.fill("#new-name", "钢琴房")
    page.fill("#new-seats", "4")
    page.click("[data-testid=classroom-new] button[type=submit]")
    row = page.locator("[data-testid^=classroom-row-]", has_text="钢琴房")
    expect(row).to_be_visible()
    expect(page.locator("#new-name")).to_have_value("")
    row.get_by_role("link", name="编辑").click()
    page.locator("input[name^='room'][name$='-name']").fill("大琴房")  # waits for the row's edit form
    page.locator("[data-testid=classrooms] form[id^=classroom-] button", has_text="保存").click()
    expect(page.locator("[data-testid^=classroom-row-]", has_text="大琴房")).to_be_visible()
    assert page.url.endswith(f"/admin/campuses/{campuses[0].id}/edit")  # never left the page
    screenshot(page, "admin-campus-classrooms-tablet")


def test_admin_creates_a_course_on_a_tablet(page, users):
    sign_in(page, "admin", PASSWORD)
    page.goto("/admin/courses")
    page.get_by_test_id("new-button").click()
    page.fill("#name", "少儿美术")
    page.fill("#total_lessons", "24")
    page.fill("#price", "2400.5")
    page.click("[data-testid=record-form] button[type=submit]")
    expect(page.locator(".alert-success")).to_contain_text("少儿美术")
    expect(page.get_by_test_id("course-table")).to_contain_text("2,400.50")
    screenshot(page, "admin-courses-tablet")


def test_deactivating_a_salesperson_hands_their_leads_to_the_chosen_heir(page, users, campuses):
    sales, heir = users["sales"], users["sales2"]
    factories.make_lead(campuses[0], name="小明", owner=sales)
    db.session.commit()
    sign_in(page, "admin", PASSWORD)
    page.goto("/admin/users")
    page.get_by_test_id(f"deactivate-{sales.id}").click()
    expect(page.get_by_test_id("owned-leads")).to_have_text("1")
    page.on("dialog", lambda dialog: dialog.accept())
    page.select_option("#heir_id", str(heir.id))
    page.click("[data-testid=deactivate-form] button[type=submit]")
    expect(page.locator(".alert-success")).to_contain_text("已转给 Sales2")
    expect(page.get_by_test_id(f"activate-{sales.id}")).to_be_visible()
    assert db.session.scalar(select(LeadInheritance.to_user_id)) == heir.id
    screenshot(page, "admin-users-after-deactivation-tablet")
