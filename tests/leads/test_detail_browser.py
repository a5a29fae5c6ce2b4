"""The lead page in the real browser on a tablet: quick-add a follow-up, book a trial (the six-speed sheet:
test_sixspeed_browser.py)."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from eduflow.extensions import db
from eduflow.models import Course, Lead, LeadStage
from tests import factories
from tests.browser_support import screenshot, settle, sign_in
from tests.conftest import PASSWORD
from tests.leads.test_trials import make_lesson

pytestmark = pytest.mark.browser


@pytest.fixture
def lead(users, campuses):
    lead = factories.make_lead(campuses[0], owner=users["sales"], phone="13812345678", stage=LeadStage.CONTACTED,
                               contact_name="张妈妈", contact_relation="母亲")
    db.session.commit()
    return lead


def test_a_follow_up_appears_at_the_top_of_the_timeline_without_a_reload(page, users, lead):
    sign_in(page, "sales", PASSWORD)
    page.goto(f"/leads/{lead.id}")
    expect(page.get_by_test_id("lead-last-followup")).to_have_text("从未跟进")
    page.evaluate("window.__samePage = true")  # gone if the page reloads
    form = page.get_by_test_id("followup-form")
    form.locator("select[name=method]").select_option("wechat")
    form.locator("textarea[name=content]").fill("家长想了解周末班的时间")
    form.locator("textarea[name=feedback]").fill("价格可以接受")
    form.locator("input[name=next_followup_at]").fill("2030-05-06T10:30")
    form.get_by_test_id("followup-submit").click()
    first = page.get_by_test_id("timeline-item").first
    expect(first).to_contain_text("家长想了解周末班的时间")
    expect(first).to_contain_text("微信")
    expect(page.get_by_test_id("followup-saved")).to_be_visible()
    expect(form.locator("textarea[name=content]")).to_have_value("")
    expect(page.get_by_test_id("lead-next-followup")).to_have_text("2030-05-06 10:30")
    expect(page.get_by_test_id("lead-last-followup")).not_to_have_text("从未跟进")
    assert page.evaluate("window.__samePage") is True
    screenshot(page, "lead-detail-follow-up-tablet")


def test_an_empty_follow_up_shows_the_message_in_the_form(page, users, lead):
    sign_in(page, "sales", PASSWORD)
    page.goto(f"/leads/{lead.id}")
    page.get_by_test_id("followup-submit").click()
    expect(page.get_by_test_id("followup-form")).to_contain_text("请填写跟进内容")
    expect(page.get_by_test_id("timeline-empty")).to_be_visible()


def test_a_trial_is_booked_and_marked_attended(page, users, campuses, lead):
    course = Course(name="少儿英语")
    db.session.add(course)
    lead.courses.append(course)
    db.session.commit()
    lesson = make_lesson(campuses[0], course, days=0, teacher=users["teacher"])
    sign_in(page, "sales", PASSWORD)
    page.goto(f"/leads/{lead.id}")
    page.get_by_test_id("trial-form").locator("select").select_option(str(lesson.id))
    page.get_by_test_id("trial-book").click()
    expect(page.get_by_test_id("trial-message")).to_contain_text("已预约试听")
    expect(page.get_by_test_id("timeline-item").first).to_contain_text("预约试听")
    page.locator("[data-testid$='-attended']").click()
    expect(page.get_by_test_id("trial-status")).to_have_text("已到课")
    page.get_by_test_id("trials").scroll_into_view_if_needed()
    screenshot(page, "lead-detail-trials-tablet")


def test_the_stage_menu_on_the_lead_page_moves_the_lead_and_asks_the_lost_reason(page, users, lead):
    sign_in(page, "sales", PASSWORD)
    page.goto(f"/leads/{lead.id}")
    toggle = page.get_by_test_id("lead-stage-menu")
    toggle.click()
    menu = page.get_by_role("menu")
    expect(menu.get_by_role("menuitem")).to_have_count(5)  # not 首次沟通, where it is
    expect(menu).not_to_contain_text("首次沟通")
    screenshot(page, "lead-detail-stage-menu-tablet")
    menu.get_by_test_id("move-to-intent").click()
    expect(page.get_by_test_id("lead-stage")).to_have_text("意向明确")
    expect(page.locator(".alert-success")).to_contain_text("已移到“意向明确”")
    expect(page.get_by_test_id("timeline-item").first).to_contain_text("意向明确")

    settle(page)  # the move's swaps done: a menu opened mid-swap was replaced under the keyboard
    toggle.focus()  # the keyboard: Enter opens, ↓ walks the stages, Enter chooses
    page.keyboard.press("Enter")
    page.keyboard.press("ArrowDown")
    page.get_by_role("menu").get_by_test_id("move-to-lost").focus()
    page.keyboard.press("Enter")
    reason = page.get_by_test_id("lead-lost-reason-input")
    expect(reason).to_be_focused()
    expect(page.get_by_test_id("lead-stage")).to_have_text("意向明确")
    screenshot(page, "lead-detail-lost-reason-tablet")
    reason.fill("已报别家机构")
    page.get_by_test_id("lead-lost-confirm").click()
    expect(page.get_by_test_id("lead-stage")).to_have_text("已流失")
    expect(page.get_by_test_id("lead-header")).to_contain_text("已报别家机构")
    page.get_by_test_id("lead-stage-menu").click()
    expect(page.get_by_role("menu").get_by_role("menuitem")).to_have_count(1)  # 已流失 reopens to 新咨询 only
    moved = db.session.get(Lead, lead.id, populate_existing=True)
    assert (moved.stage, moved.lost_reason) == (LeadStage.LOST, "已报别家机构")
