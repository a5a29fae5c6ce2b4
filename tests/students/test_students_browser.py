"""The student screens in the real browser on a tablet: find a student, read enrolments and a ledger,
add a follow-up and swap the primary parent without leaving the page."""
from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from eduflow.extensions import db
from eduflow.students.services import add_parent
from tests import factories
from tests.browser_support import screenshot, sign_in
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


@pytest.fixture
def taught_student(make_student, make_class, make_lesson, enroll, users):
    """李小明 in 英语一班 with one lesson left, then marked present twice: one lesson in debt."""
    student = make_student("李小明", phone="13800001234")
    add_parent(student, name="李爸爸", relationship="父亲", phone="13700001111")
    group = make_class("英语一班")
    enrollment = enroll(student, group, lessons=1)
    for day in (dt.date(2025, 3, 1), dt.date(2025, 3, 8)):
        lesson = make_lesson(group, day=day)
        factories.mark_and_debit(lesson, enrollment, by=users["teacher"])
    make_student("王小红")
    db.session.commit()
    return student, enrollment


def test_a_manager_finds_a_student_reads_the_ledger_and_adds_a_follow_up(page, taught_student):
    student, enrollment = taught_student
    sign_in(page, "manager", PASSWORD)
    page.goto("/students")
    page.get_by_test_id("student-search").fill("lxm")
    expect(page.get_by_test_id("student-results")).not_to_contain_text("王小红")
    row = page.get_by_test_id(f"student-row-{student.id}")
    expect(row).to_contain_text("138****1234")
    screenshot(page, "students-list-tablet")
    row.get_by_role("link", name="李小明").click()

    expect(page.get_by_test_id("page-title")).to_contain_text("李小明")
    expect(page.get_by_test_id(f"remaining-{enrollment.id}")).to_contain_text("-1")
    page.get_by_test_id(f"show-ledger-{enrollment.id}").click()
    ledger = page.get_by_test_id(f"ledger-{enrollment.id}")
    expect(ledger).to_contain_text("2025-03-08")
    expect(ledger).to_contain_text("Teacher")
    expect(ledger).to_contain_text("出勤扣课")

    page.fill("[data-testid=follow-up-form] textarea[name=content]", "家长想了解续费优惠")
    page.get_by_test_id("follow-up-submit").click()
    items = page.get_by_test_id("timeline-items")
    expect(items.locator("li").first).to_contain_text("家长想了解续费优惠")
    expect(page.locator("[data-testid=follow-up-form] textarea[name=content]")).to_have_value("")
    assert page.url.endswith(f"/students/{student.id}")  # never left the page
    # Playwright's screenshots leave style="" on inputs, which htmx would copy on a swap: shoot last.
    screenshot(page, "student-detail-tablet")
    ledger.scroll_into_view_if_needed()
    screenshot(page, "student-ledger-tablet")


def test_the_primary_parent_is_swapped_in_place(page, taught_student):
    student, _ = taught_student
    father = [p for p in student.parents if p.name == "李爸爸"][0]
    sign_in(page, "sales", PASSWORD)
    page.goto(f"/students/{student.id}")
    page.get_by_test_id(f"make-primary-{father.id}").click()
    expect(page.get_by_test_id(f"parent-{father.id}").get_by_test_id("primary-badge")).to_be_visible()
    expect(page.get_by_test_id("primary-badge")).to_have_count(1)
    page.get_by_test_id("parents").scroll_into_view_if_needed()
    screenshot(page, "student-page-tablet")


def test_a_salesperson_creates_a_student_with_the_first_parent(page, users):
    sign_in(page, "sales", PASSWORD)
    page.goto("/students")
    page.get_by_test_id("new-student").click()
    page.fill("#name", "周小杰")
    page.select_option("#status", "active")
    page.fill("#id_card", "110105194912310021")  # wrong check digit
    page.fill("#parent_name", "周妈妈")
    page.fill("#parent_phone", "13912345678")
    page.get_by_test_id("student-submit").click()
    expect(page.locator("#id_card.is-invalid")).to_be_visible()
    screenshot(page, "student-form-refused-tablet")
    page.fill("#id_card", "11010519491231002X")
    page.get_by_test_id("student-submit").click()
    expect(page.get_by_test_id("page-title")).to_contain_text("周小杰")
    expect(page.get_by_test_id("parents")).to_contain_text("周妈妈")
    expect(page.get_by_test_id("primary-badge")).to_have_count(1)
    expect(page.get_by_test_id("student-id-card")).to_contain_text("110105********002X")
