"""Scheduling in the real browser on a tablet: a weekly pattern lands on the week timetable; clashes are named."""
from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from tests.browser_support import screenshot, sign_in
from tests.conftest import PASSWORD
from tests.schedule.conftest import next_weekday

pytestmark = pytest.mark.browser


def _fill_pattern(page, monday: dt.date, weekdays: tuple[int, ...], start: str, end: str) -> None:
    for weekday in weekdays:
        page.get_by_test_id(f"weekday-{weekday}").click()
    page.fill("#first_day", monday.isoformat())
    page.fill("#last_day", (monday + dt.timedelta(days=13)).isoformat())
    page.fill("#start_time", start)
    page.fill("#end_time", end)
    page.get_by_test_id("save-pattern").click()


def test_a_weekly_pattern_shows_on_the_week_timetable(page, make_class):
    group = make_class("英语周末班")
    monday = next_weekday(0)
    sign_in(page, "manager", PASSWORD)
    page.goto(f"/classes/{group.id}")
    page.get_by_test_id("new-pattern").click()
    _fill_pattern(page, monday, (0, 2), "18:00", "19:30")
    expect(page.locator(".alert-success")).to_contain_text("已生成 4 节课")
    expect(page.locator("[data-testid=upcoming-lessons] tbody tr")).to_have_count(4)
    screenshot(page, "schedule-class-page-tablet")

    page.goto("/timetable")
    page.get_by_test_id("next-week").click()  # htmx swaps the week in place
    expect(page.get_by_test_id("week-range")).to_contain_text(monday.isoformat())
    assert f"week={monday.isoformat()}" in page.url
    for day in (monday, monday + dt.timedelta(days=2)):
        block = page.get_by_test_id(f"day-{day.isoformat()}").locator("article")
        expect(block).to_have_count(1)
        expect(block).to_contain_text("18:00–19:30")
        expect(block).to_contain_text("英语周末班")
    screenshot(page, "schedule-week-timetable-tablet")
    page.set_viewport_size({"width": 1280, "height": 800})  # from 992 px the week is seven columns
    screenshot(page, "schedule-week-timetable-desktop")


def test_a_clashing_pattern_names_the_lesson_and_creates_none(page, make_class, make_lesson):
    busy, group = make_class("数学班", room="a102"), make_class("英语一班")
    monday = next_weekday(0)
    make_lesson(busy, monday + dt.timedelta(days=7), "18:30", "19:00")
    sign_in(page, "academic", PASSWORD)
    page.goto(f"/classes/{group.id}/lessons/pattern")
    _fill_pattern(page, monday, (0,), "18:00", "19:30")
    error = page.get_by_test_id("form-error")
    expect(error).to_contain_text("数学班")
    expect(error).to_contain_text((monday + dt.timedelta(days=7)).isoformat())
    expect(page.get_by_test_id("weekday-0")).to_be_visible()
    screenshot(page, "schedule-pattern-clash-tablet")
    page.goto(f"/classes/{group.id}")
    expect(page.locator("[data-testid=upcoming-lessons]")).to_contain_text("没有待上的课节")
