"""请假 end to end: a parent on a 375 × 667 phone asks leave for tomorrow's lesson with a reason (htmx answers the
lesson's card in place); the teacher, at a desk, opens that lesson's sheet and sees 请假 with the parent's reason."""
from __future__ import annotations

from playwright.sync_api import expect

from tests import factories
from tests.browser_support import page_width, screenshot, sign_in, small_targets
from tests.parents.conftest import sign_in_on_phone
from tests.parents.leave_support import lessons  # noqa: F401 - fixture

DESKTOP = {"width": 1280, "height": 800}


def test_a_parent_asks_leave_on_the_phone_and_the_teacher_sees_it_on_the_sheet(phone, browser, live_server, family,
                                                                              lessons, users):
    page = phone()
    sign_in_on_phone(page)
    page.goto("/p/timetable")
    card = page.get_by_test_id(f"lesson-{lessons.tomorrow.id}-{family.first.id}")
    card.get_by_test_id("ask-leave").click()
    card.get_by_test_id("leave-form").locator("textarea").fill("发烧，在家休息一天")
    assert small_targets(page) == []
    card.get_by_test_id("leave-submit").click()
    expect(card.get_by_test_id("leave-saved")).to_be_visible()
    expect(card.get_by_test_id("withdraw-leave")).to_be_visible()
    expect(card.get_by_test_id("badge-status")).to_have_text("请假")
    width = page_width(page)
    assert width["width"] <= width["viewport"], width
    screenshot(page, "parent-leave-phone")

    context = browser.new_context(viewport=DESKTOP, base_url=live_server, locale="zh-CN")
    try:
        desk = context.new_page()
        sign_in(desk, users["teacher"].username, factories.PASSWORD)
        desk.wait_for_url(lambda url: not url.endswith("/login"))
        desk.goto(f"/lessons/{lessons.tomorrow.id}/attendance")
        row = desk.get_by_test_id(f"row-{family.first.id}")
        expect(row.get_by_test_id("mark")).to_have_text("请假")
        expect(row.get_by_test_id("leave-note")).to_contain_text("家长请假")
        expect(row.get_by_test_id("leave-reason")).to_contain_text("发烧，在家休息一天")
        screenshot(desk, "teacher-sheet-parent-leave")
    finally:
        context.close()
