"""Lead records in the real browser on a tablet: live search, the create form with a duplicate, delete and restore."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from eduflow.extensions import db
from eduflow.models import Course, Lead, LeadStage, Tag, TagKind
from tests import factories
from tests.browser_support import screenshot, sign_in
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


def _lead(campuses, users, name, phone, owner="sales", **fields):
    lead = factories.make_lead(campuses[0], name=name, owner=users[owner] if owner else None, phone=phone, **fields)
    db.session.commit()
    return lead


def test_search_narrows_the_list_as_you_type_and_keeps_a_shareable_url(page, users, campuses):
    course = Course(name="少儿英语")
    tag = Tag(name="意向强烈", kind=TagKind.MANUAL)
    db.session.add_all([course, tag])
    _lead(campuses, users, "张三", "13912345678", stage=LeadStage.INTENT, courses=[course], tags=[tag])
    _lead(campuses, users, "李四", "13800000000")
    _lead(campuses, users, "王五", "13700000000", owner="sales2")
    sign_in(page, "manager", PASSWORD)
    page.goto("/leads")
    expect(page.get_by_test_id("lead-total")).to_contain_text("3")
    screenshot(page, "leads-list-tablet")
    page.get_by_test_id("lead-search").fill("zs")
    expect(page.get_by_test_id("lead-total")).to_contain_text("1")
    expect(page.get_by_test_id("lead-table")).to_contain_text("张三")
    expect(page.get_by_test_id("lead-table")).not_to_contain_text("李四")
    expect(page.get_by_test_id("lead-table")).to_contain_text("139****5678")
    expect(page).to_have_url(re.compile(r"/leads\?.*q=zs"))
    page.reload()  # the pushed URL is a whole page with the same results
    expect(page.get_by_test_id("lead-search")).to_have_value("zs")
    expect(page.get_by_test_id("lead-total")).to_contain_text("1")
    page.get_by_test_id("lead-search").fill("")
    page.get_by_test_id("filter-owner").select_option(label="Sales2")
    expect(page.get_by_test_id("lead-table")).to_contain_text("王五")
    expect(page.get_by_test_id("lead-total")).to_contain_text("1")
    screenshot(page, "leads-list-filtered-tablet")


def test_sales_creates_a_lead_and_a_duplicate_phone_is_refused_with_the_owners_name(page, users, campuses):
    _lead(campuses, users, "老客户", "13800138000", owner="sales2")
    sign_in(page, "sales", PASSWORD)
    page.goto("/leads")
    page.get_by_test_id("new-lead").click()
    page.fill("#name", "陈小明")
    page.fill("#phone", "138 0013 8000")
    page.select_option("#source_id", label="官网")
    page.get_by_test_id("save-lead").click()
    expect(page.locator("#phone + .form-text + .invalid-feedback, #phone ~ .invalid-feedback")).to_contain_text(
        "负责人：Sales2")
    expect(page.get_by_test_id("lead-form")).not_to_contain_text("老客户")
    screenshot(page, "lead-form-duplicate-tablet")
    page.fill("#phone", "13900139000")
    page.get_by_test_id("save-lead").click()
    expect(page.locator(".alert-success")).to_contain_text("陈小明")
    created = db.session.scalar(select(Lead).where(Lead.name == "陈小明"))
    assert created.owner_id == users["sales"].id and created.phone == "13900139000"


def test_manager_deletes_a_lead_and_restores_it(page, users, campuses):
    lead = _lead(campuses, users, "重复录入", "13800138000")
    sign_in(page, "manager", PASSWORD)
    page.goto(f"/leads/{lead.id}/edit")
    page.on("dialog", lambda dialog: dialog.accept())
    page.get_by_test_id("delete-lead").click()
    expect(page.locator(".alert-success")).to_contain_text("已删除")
    expect(page.get_by_test_id(f"lead-row-{lead.id}")).to_have_count(0)
    page.get_by_test_id("deleted-leads").click()
    expect(page.get_by_test_id(f"deleted-row-{lead.id}")).to_contain_text("138****8000")
    screenshot(page, "leads-deleted-tablet")
    page.get_by_test_id(f"restore-{lead.id}").click()
    expect(page.locator(".alert-success")).to_contain_text("已恢复")
    db.session.expire_all()
    assert db.session.get(Lead, lead.id).deleted_at is None
