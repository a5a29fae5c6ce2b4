"""The attendance sheet in the real browser on a tablet: tap statuses, 全部出勤, balances change and survive a reload;
a mark into 欠课时 asks first; a suspended student is greyed and cannot be tapped."""
from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from eduflow.attendance.services import mark_attendance
from eduflow.extensions import db
from eduflow.models import AttendanceStatus, StatusChangeKind
from eduflow.students.status_changes import StatusRequest, decide, request_change
from tests.browser_support import screenshot, sign_in
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


def test_a_teacher_marks_a_lesson_on_a_tablet_and_the_marks_survive_a_reload(page, users, make_lesson, lesson, group,
                                                                            enroll_new, today):
    first, second, third = enroll_new(group, "王小明"), enroll_new(group, "李小红"), enroll_new(group, "张小华", purchased=1)
    mark_attendance(make_lesson(group, day=today - dt.timedelta(days=1)), third.student_id, AttendanceStatus.PRESENT,
                    by=users["academic"])
    db.session.commit()
    sign_in(page, "teacher", PASSWORD)
    page.goto(f"/lessons/{lesson.id}/attendance")
    rows = {e: page.get_by_test_id(f"row-{e.student_id}") for e in (first, second, third)}
    expect(rows[first].get_by_test_id("balance")).to_have_text("剩余 10 课时")
    button = rows[first].get_by_test_id("mark-present")
    assert all(size >= 48 for size in (button.bounding_box()["height"], button.bounding_box()["width"]))

    button.click()
    expect(rows[first].get_by_test_id("saved")).to_be_visible()
    expect(rows[first].get_by_test_id("balance")).to_have_text("剩余 9 课时")
    expect(rows[first].get_by_test_id("mark")).to_have_text("出勤")
    expect(page.get_by_test_id("roster-count")).to_have_text("1 / 3 已考勤")
    rows[second].get_by_test_id("mark-leave").click()
    expect(rows[second].get_by_test_id("mark")).to_have_text("请假")
    expect(rows[second].get_by_test_id("balance")).to_have_text("剩余 10 课时")

    page.get_by_test_id("mark-all").click()
    expect(page.get_by_test_id("debt-confirm-all")).to_contain_text("张小华：剩余 0 课时")  # asks once first
    expect(rows[third].get_by_test_id("mark")).to_have_text("未考勤")
    page.get_by_test_id("confirm-mark-all").click()
    expect(rows[third].get_by_test_id("mark")).to_have_text("出勤")
    expect(rows[third].get_by_test_id("saved")).to_be_visible()
    expect(rows[third].get_by_test_id("balance")).to_have_text("剩余 -1 课时")
    expect(rows[third].get_by_test_id("balance")).to_have_class(re.compile(r"\btext-debt\b"))
    expect(rows[third].get_by_test_id("debt")).to_have_text("欠课时")
    expect(rows[second].get_by_test_id("mark")).to_have_text("请假")  # 全部出勤 never overwrites a mark
    expect(page.get_by_test_id("roster-count")).to_have_text("3 / 3 已考勤")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    screenshot(page, "attendance-sheet-tablet")

    page.reload()
    for enrollment, mark, remaining in ((first, "出勤", 9), (second, "请假", 10), (third, "出勤", -1)):
        expect(rows[enrollment].get_by_test_id("mark")).to_have_text(mark)
        expect(rows[enrollment].get_by_test_id("balance")).to_have_text(f"剩余 {remaining} 课时")
        expect(rows[enrollment].get_by_test_id(f"mark-{'leave' if mark == '请假' else 'present'}")).to_have_attribute(
            "aria-pressed", "true")
    expect(page.get_by_test_id("saved")).to_have_count(0)
    screenshot(page, "attendance-sheet-reloaded-tablet")


def test_the_teachers_today_page_leads_to_the_sheet(page, users, lesson, group, enroll_new):
    enroll_new(group, "王小明")
    sign_in(page, "teacher", PASSWORD)
    page.goto("/today")
    card = page.get_by_test_id(f"lesson-{lesson.id}")
    expect(card.get_by_test_id("unmarked-count")).to_have_text("1 人未考勤")
    screenshot(page, "attendance-today-tablet")
    card.click()
    expect(page.get_by_test_id("page-title")).to_contain_text(group.name)


def test_the_office_marks_an_absence_and_books_the_makeup_on_a_tablet(page, users, make_class, make_lesson, group,
                                                                      enroll_new, today):
    missed, enrollment = make_lesson(group, day=today - dt.timedelta(days=1)), enroll_new(group, "王小明")
    target = make_lesson(make_class("英语B班", head=None), day=today + dt.timedelta(days=2), start=15)
    sign_in(page, "academic", PASSWORD)
    page.goto(f"/lessons/{missed.id}/attendance")
    row = page.get_by_test_id(f"row-{enrollment.student_id}")
    row.get_by_test_id("mark-absent").click()
    expect(row.get_by_test_id("balance")).to_have_text("剩余 9 课时")
    row.get_by_test_id("makeup-toggle").click()
    row.get_by_test_id("makeup-lesson").select_option(str(target.id))
    screenshot(page, "attendance-makeup-form-tablet")
    row.get_by_test_id("makeup-submit").click()
    expect(row.get_by_test_id("makeup-booked")).to_contain_text("英语B班")
    expect(row.get_by_test_id("saved")).to_be_visible()
    page.goto(f"/lessons/{target.id}/attendance")
    makeup_row = page.get_by_test_id(f"row-{enrollment.student_id}")
    expect(makeup_row.get_by_test_id("makeup-badge")).to_be_visible()
    expect(makeup_row.get_by_test_id("mark-present")).to_be_disabled()  # not held yet: only leave
    screenshot(page, "attendance-makeup-target-tablet")


def test_a_suspended_student_is_greyed_on_the_sheet_without_buttons_while_a_classmate_is_marked(
        page, users, lesson, group, enroll_new, today):
    suspended, active = enroll_new(group, "王小明", purchased=1), enroll_new(group, "李小红", purchased=1)
    change = request_change(suspended.student, StatusRequest(
        kind=StatusChangeKind.SUSPEND, reason="骨折在家休养", effective_on=today,
        planned_return_on=today + dt.timedelta(days=30)), by=users["sales"])
    decide(change, by=users["manager"], approve=True)
    db.session.commit()
    sign_in(page, "teacher", PASSWORD)
    page.goto(f"/lessons/{lesson.id}/attendance")
    row, other = page.get_by_test_id(f"row-{suspended.student_id}"), page.get_by_test_id(f"row-{active.student_id}")
    expect(row.get_by_test_id("suspended-badge")).to_have_text("休学")
    expect(row.get_by_test_id("suspended-since")).to_contain_text(today.isoformat())
    expect(row).to_have_class(re.compile(r"\bbg-body-secondary\b"))
    expect(row.get_by_role("button")).to_have_count(0)
    expect(page.get_by_test_id("roster-count")).to_have_text("0 / 1 已考勤")
    page.get_by_test_id("mark-all").click()
    expect(other.get_by_test_id("mark")).to_have_text("出勤")
    expect(other.get_by_test_id("balance")).to_have_text("剩余 0 课时")
    expect(row.get_by_test_id("mark")).to_have_text("未考勤")
    other.get_by_test_id("mark-absent").click()  # the classmate is still markable; absent takes nothing more
    expect(other.get_by_test_id("mark")).to_have_text("缺勤")
    expect(page.get_by_test_id("roster-count")).to_have_text("1 / 1 已考勤")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    screenshot(page, "attendance-suspended-student-tablet")


def test_a_tap_into_debt_shows_the_balance_and_deducts_only_when_confirmed(page, users, make_lesson, lesson, group,
                                                                           enroll_new, today):
    enrollment = enroll_new(group, "张小华", purchased=1)
    mark_attendance(make_lesson(group, day=today - dt.timedelta(days=1)), enrollment.student_id,
                    AttendanceStatus.PRESENT, by=users["academic"])
    db.session.commit()
    sign_in(page, "teacher", PASSWORD)
    page.goto(f"/lessons/{lesson.id}/attendance")
    row = page.get_by_test_id(f"row-{enrollment.student_id}")
    row.get_by_test_id("mark-present").click()
    expect(row.get_by_test_id("debt-confirm")).to_contain_text("剩余 0 课时")
    expect(row.get_by_test_id("mark")).to_have_text("未考勤")
    screenshot(page, "attendance-debt-confirm-tablet")
    row.get_by_test_id("cancel-debt").click()
    expect(row.get_by_test_id("debt-confirm")).to_have_count(0)
    row.get_by_test_id("mark-present").click()
    row.get_by_test_id("confirm-debt").click()
    expect(row.get_by_test_id("mark")).to_have_text("出勤")
    expect(row.get_by_test_id("balance")).to_have_text("剩余 -1 课时")
    expect(row.get_by_test_id("debt")).to_have_text("欠课时")
