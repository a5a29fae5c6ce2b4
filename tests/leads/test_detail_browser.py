"""The lead page in the real browser on a tablet: quick-add a follow-up, book a trial (the six-speed sheet:
test_sixspeed_browser.py)."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from eduflow.extensions import db
from eduflow.models import Course, Lead, LeadStage
from tests.browser_support import screenshot, sign_in
from tests.conftest import PASSWORD
from tests.leads.test_trials import make_lesson

pytestmark = pytest.mark.browser


@pytest.fixture
def lead(users, campuses):
    lead = Lead(name="张三", campus_id=campuses[0].id, owner_id=users["sales"].id, stage=LeadStage.CONTACTED,
                contact_name="张妈妈", contact_relation="母亲")
    lead.phone = "13812345678"
    db.session.add(lead)
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
