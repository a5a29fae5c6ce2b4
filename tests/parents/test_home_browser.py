"""The parent's phone (375 × 667): the home page's hours and next lesson, then the timetable, in both languages."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser_support import page_width, screenshot, small_targets, use_language
from tests.parents.conftest import sign_in_on_phone
from tests.parents.timetable_world import build_week


def _fits_the_phone(page) -> None:
    width = page_width(page)
    assert width["width"] <= width["viewport"], width
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert small_targets(page) == []


@pytest.mark.parametrize("locale, hours, timetable, tomorrow", [
    ("zh-CN", "10 课时", "课表", "明天"),
    ("en", "10 lessons", "Timetable", "Tomorrow"),
])
def test_a_parent_sees_hours_and_the_next_lesson_then_opens_the_timetable(phone, family, users, campuses,
                                                                          locale, hours, timetable, tomorrow):
    build_week(family, users, campuses)
    page = phone(locale)
    sign_in_on_phone(page)
    if locale == "en":
        use_language(page, "en")
        page.reload()
    first = page.get_by_test_id(f"child-{family.first.id}")
    expect(first.get_by_test_id("next-lesson")).to_contain_text("14:00")
    expect(first).to_contain_text(hours)
    expect(page.get_by_test_id(f"child-{family.second.id}").get_by_test_id("hours-low")).to_be_visible()
    _fits_the_phone(page)
    screenshot(page, f"parent-home-phone-{locale}")
    first.get_by_test_id("child-timetable").click()
    expect(page.get_by_test_id("timetable-title")).to_have_text(timetable)
    expect(page.get_by_test_id("child-filter")).to_be_visible()
    expect(page.locator(".ef-parent-day-title").first).to_contain_text(tomorrow)
    _fits_the_phone(page)
    screenshot(page, f"parent-timetable-phone-{locale}")
    page.get_by_test_id("child-filter").get_by_role("link").first.click()  # 全部: both children
    expect(page.get_by_text("美术一班").first).to_be_visible()
    page.get_by_test_id("calendar-link").click()
    old = page.get_by_test_id("calendar-url").input_value()
    assert old.endswith(".ics") and page.request.get(old).status == 200
    _fits_the_phone(page)
    screenshot(page, f"parent-calendar-phone-{locale}")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_test_id("calendar-reset").click()
    expect(page.locator(".alert-success")).to_be_visible()
    assert page.get_by_test_id("calendar-url").input_value() != old
    assert page.request.get(old).status == 404
