"""A full class in the real browser: enrollments.js offers only the chosen course's classes and must not re-enable
a full one when it does, so the class cannot be picked before the form is sent."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser_support import screenshot, sign_in
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


def test_a_full_class_stays_disabled_when_its_course_is_chosen(page, course, make_class, make_student, enroll):
    free, full = make_class("英语一班", capacity=2), make_class("英语满班", capacity=1)
    enroll(make_student("乙"), full)
    student = make_student("丙")
    sign_in(page, "academic", PASSWORD)
    page.goto(f"/enrollments/new?student_id={student.id}")
    page.select_option("#course_id", label="少儿英语")
    expect(page.locator(f"#class_id option[value='{free.id}']")).to_be_enabled()
    offered = page.locator(f"#class_id option[value='{full.id}']")
    expect(offered).to_be_disabled()
    expect(offered).to_have_text("少儿英语 · 英语满班 · 已满 1/1")
    page.select_option("#class_id", str(free.id))
    expect(page.locator("#class_id")).to_have_value(str(free.id))
    screenshot(page, "enrollment-full-class-tablet")
