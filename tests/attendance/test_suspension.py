"""休学 freezes the student's lessons, tested as services: off the rosters from the start date, never marked or
deducted, no reminders; 复学 (approved, or the planned return reached by the job) brings them back."""
from __future__ import annotations

import json

import datetime as dt
from decimal import Decimal

import pytest
from flask_babel import get_timezone
from sqlalchemy import select

from eduflow.enrollments.creation import create_enrollment
from eduflow.attendance.roster import lessons_on, roster_row
from eduflow.attendance.makeups import book_makeup
from eduflow.attendance.services import StudentSuspended, mark_all_present, mark_attendance
from eduflow.domain import DomainError
from eduflow.enrollments.reminders import reminders_for
from eduflow.enrollments.services import record_payment
from eduflow.extensions import db
from eduflow.jobs import run_jobs
from eduflow.models import (
    ApprovalStatus, AttendanceStatus, PaymentMethod, ReminderKind, RenewalReminder, StatusChange, StatusChangeKind,
    StudentStatus,
)
from eduflow.students.status_changes import StatusRequest, decide, request_change
from tests.attendance.conftest import balance_of, mark_of

Kind = StatusChangeKind
PRESENT = AttendanceStatus.PRESENT
DAY = dt.timedelta(days=1)


def _approve(student, users, kind=Kind.SUSPEND, start=None, back=None):
    change = request_change(student, StatusRequest(kind=kind, reason="骨折在家休养", effective_on=start,
                                                   planned_return_on=back), by=users["sales"])
    decide(change, by=users["manager"], approve=True)
    db.session.commit()
    return change


def _job_on(day: dt.date) -> list[str]:
    """Run the scheduled rules at noon of that school day."""
    tz = get_timezone()
    noon = dt.datetime.combine(day, dt.time(12))
    local = tz.localize(noon) if hasattr(tz, "localize") else noon.replace(tzinfo=tz)
    return run_jobs(now=local.astimezone(dt.UTC).replace(tzinfo=None))


def test_from_the_start_date_a_suspended_student_is_greyed_on_the_sheet_and_never_deducted(
        users, make_lesson, group, enroll_new, today):
    enrollment, classmate = enroll_new(group, "王小明"), enroll_new(group, "李小红")
    before = make_lesson(group, day=today - DAY)
    mark_attendance(before, enrollment.student_id, PRESENT, by=users["teacher"])
    db.session.commit()
    _approve(enrollment.student, users, start=today)
    assert enrollment.student.status == StudentStatus.SUSPENDED and balance_of(enrollment) == 9
    lesson = make_lesson(group)
    row = roster_row(lesson, enrollment.student_id)
    assert row.suspended and not row.markable
    with pytest.raises(StudentSuspended, match="休学"):
        mark_attendance(lesson, enrollment.student_id, PRESENT, by=users["teacher"])
    db.session.rollback()
    assert mark_of(lesson, enrollment.student) is None and balance_of(enrollment) == 9
    assert mark_all_present(lesson, by=users["teacher"]) == [classmate.student_id]  # 全部出勤 skips them
    db.session.commit()
    assert balance_of(enrollment) == 9 and balance_of(classmate) == 9
    assert mark_of(before, enrollment.student).status == PRESENT  # marked before the start: stands
    assert not roster_row(before, enrollment.student_id).suspended
    [summary] = [item for item in lessons_on(users["teacher"], today) if item.lesson.id == lesson.id]
    assert (summary.expected, summary.marked) == (1, 1)  # the suspended student is not expected


def test_a_future_start_is_approved_now_and_takes_effect_on_its_date_by_the_job(users, make_lesson, group, enroll_new,
                                                                                today):
    enrollment = enroll_new(group)
    start = today + 3 * DAY
    change = _approve(enrollment.student, users, start=start, back=start + 14 * DAY)
    assert change.approval_status == ApprovalStatus.APPROVED and change.effective_on == start
    assert enrollment.student.status == StudentStatus.ACTIVE  # still 在读 until the start date
    assert not roster_row(make_lesson(group, day=start - DAY), enrollment.student_id).suspended
    assert roster_row(make_lesson(group, day=start, start=14), enrollment.student_id).suspended
    assert not roster_row(make_lesson(group, day=start + 14 * DAY), enrollment.student_id).suspended
    assert not [line for line in _job_on(start - DAY) if "suspension" in line]
    assert any("starts 休学" in line for line in _job_on(start))
    db.session.expire_all()
    assert enrollment.student.status == StudentStatus.SUSPENDED
    assert not [line for line in _job_on(start) if "suspension" in line], "a second run changes nothing"


def test_the_planned_return_reached_by_the_job_brings_the_student_back_as_a_recorded_resume(users, make_lesson,
                                                                                          group, enroll_new, today):
    enrollment = enroll_new(group)
    back = today + 7 * DAY
    _approve(enrollment.student, users, start=today, back=back)
    assert not [line for line in _job_on(back - DAY) if "returns" in line]
    assert any("returns on" in line for line in _job_on(back))
    db.session.expire_all()
    assert enrollment.student.status == StudentStatus.ACTIVE
    resume = db.session.scalar(select(StatusChange).where(StatusChange.kind == Kind.RESUME))
    assert (resume.approval_status, resume.effective_on, resume.old_status) == (
        ApprovalStatus.APPROVED, back, StudentStatus.SUSPENDED)
    assert json.loads(resume.reason) == {"t": "planned_return", "date": back.isoformat()}  # stored as a code
    assert not [line for line in _job_on(back) if "returns" in line], "a second run changes nothing"
    assert not roster_row(make_lesson(group, day=back), enrollment.student_id).suspended
    assert roster_row(make_lesson(group, day=today, start=15), enrollment.student_id).suspended  # the past stays


def test_an_approved_resume_brings_the_student_back_on_its_day(users, make_lesson, group, enroll_new, today):
    enrollment = enroll_new(group)
    _approve(enrollment.student, users, start=today)
    enrollment.student.suspended_from = today - 10 * DAY  # as if approved ten days ago
    db.session.commit()
    _approve(enrollment.student, users, kind=Kind.RESUME, start=today)
    assert enrollment.student.status == StudentStatus.ACTIVE and enrollment.student.returns_on == today
    lesson = make_lesson(group)
    mark_attendance(lesson, enrollment.student_id, PRESENT, by=users["teacher"])
    db.session.commit()
    assert balance_of(enrollment) == 9
    assert roster_row(make_lesson(group, day=today - 5 * DAY), enrollment.student_id).suspended  # the past stays


def test_a_resume_before_a_future_start_calls_the_suspension_off(users, make_lesson, group, enroll_new, today):
    enrollment = enroll_new(group)
    _approve(enrollment.student, users, start=today + 5 * DAY)
    _approve(enrollment.student, users, kind=Kind.RESUME, start=today)
    student = enrollment.student
    assert (student.status, student.suspended_from, student.returns_on) == (StudentStatus.ACTIVE, None, None)
    assert not roster_row(make_lesson(group, day=today + 6 * DAY), enrollment.student_id).suspended


def test_no_reminder_is_raised_or_shown_while_suspended_and_they_come_back_with_the_student(users, group, enroll_new,
                                                                                            today):
    enrollment = enroll_new(group, purchased=2)  # at or below the low-hours threshold
    pending = RenewalReminder(student_id=enrollment.student_id, enrollment_id=enrollment.id,
                              kind=ReminderKind.CONTRACT_EXPIRY, assigned_to_id=users["sales"].id)
    db.session.add(pending)
    db.session.commit()
    _approve(enrollment.student, users, start=today, back=today + 10 * DAY)
    assert not [line for line in _job_on(today) if "renewal-reminder" in line]
    assert db.session.scalars(select(RenewalReminder.kind)).all() == [ReminderKind.CONTRACT_EXPIRY]
    assert db.session.scalars(reminders_for(users["sales"])).all() == []
    assert db.session.scalars(reminders_for(users["manager"])).all() == []
    _approve(enrollment.student, users, kind=Kind.RESUME, start=today)
    assert [r.id for r in db.session.scalars(reminders_for(users["sales"]))] == [pending.id]
    assert any("low hours" in line for line in _job_on(today))


def test_a_makeup_is_not_booked_into_a_lesson_of_the_suspension(users, make_class, make_lesson, group, enroll_new, today):
    enrollment = enroll_new(group)
    missed = make_lesson(group, day=today - DAY)
    mark_attendance(missed, enrollment.student_id, AttendanceStatus.LEAVE, by=users["teacher"])
    db.session.commit()
    _approve(enrollment.student, users, start=today + DAY)
    target = make_lesson(make_class("英语B班", head=None), day=today + 2 * DAY, teacher=None)
    with pytest.raises(DomainError, match="休学"):
        book_makeup(missed, enrollment.student_id, target, by=users["academic"])


def test_a_suspension_cannot_start_in_the_past_or_return_before_it_starts_or_be_asked_twice(users, group, enroll_new,
                                                                                            today):
    student = enroll_new(group).student

    def ask(kind=Kind.SUSPEND, start=today, back=None):
        return request_change(student, StatusRequest(kind=kind, reason="家长申请", effective_on=start,
                                                     planned_return_on=back), by=users["sales"])

    with pytest.raises(DomainError, match="不能早于今天"):
        ask(start=today - DAY)
    with pytest.raises(DomainError, match="晚于休学开始日期"):
        ask(back=today)
    with pytest.raises(DomainError, match="没有休学安排"):
        ask(kind=Kind.RESUME)
    db.session.rollback()
    _approve(student, users, start=today + 2 * DAY)
    with pytest.raises(DomainError, match="不能重复申请"):
        ask()
    db.session.rollback()
    assert ask(kind=Kind.RESUME).kind == Kind.RESUME  # a 休学 still to start may be called off


def test_the_student_page_shows_a_suspension_until_the_student_is_back(client, login_as, users, group, enroll_new, today):
    student = enroll_new(group).student
    _approve(student, users, start=today + DAY, back=today + 30 * DAY)
    login_as("manager")
    page = client.get(f"/students/{student.id}").get_data(as_text=True)
    assert f"自 {today + DAY:%Y-%m-%d} 起休学" in page and f"{today + 30 * DAY:%Y-%m-%d} 复学" in page
    _approve(student, users, kind=Kind.RESUME, start=today)
    assert 'data-testid="suspension-dates"' not in client.get(f"/students/{student.id}").get_data(as_text=True)


@pytest.mark.parametrize("leaving", [Kind.GRADUATE, Kind.REFUND])
def test_leaving_during_a_suspension_ends_it_so_a_later_enrolment_is_marked(
        users, make_lesson, group, enroll_new, today, leaving):
    enrollment = enroll_new(group)
    student = enrollment.student
    _approve(student, users, start=today)  # open-ended
    if leaving == Kind.REFUND:
        record_payment(enrollment, amount=Decimal("1000"), method=PaymentMethod.CASH, by=users["academic"])
        db.session.commit()
    change = request_change(student, StatusRequest(kind=leaving, reason="不再上课",
                                                   enrollment_id=enrollment.id if leaving == Kind.REFUND else None),
                            by=users["sales"])
    decide(change, by=users["manager"], approve=True)
    db.session.commit()
    assert not student.suspended_on(today + DAY) and student.status != StudentStatus.SUSPENDED
    again = create_enrollment(student, group.course, by=users["academic"], contract_no="HT-AGAIN",
                              total_fee=Decimal("1000"), lessons_purchased=10, class_group=group)
    db.session.commit()
    lesson = make_lesson(group, day=today + DAY)
    assert roster_row(lesson, student.id).markable
    mark_attendance(lesson, student.id, AttendanceStatus.LEAVE, by=users["teacher"], today=today + DAY)
    assert _job_on(today + 2 * DAY) is not None and student.status != StudentStatus.SUSPENDED
    assert balance_of(again) == 10


def test_an_approved_resume_dated_ahead_is_not_recorded_twice_when_the_job_brings_the_student_back(
        users, group, enroll_new, today):
    enrollment = enroll_new(group)
    _approve(enrollment.student, users, start=today)
    _approve(enrollment.student, users, kind=Kind.RESUME, start=today + 3 * DAY)
    assert enrollment.student.status == StudentStatus.SUSPENDED
    assert any("returns on" in line for line in _job_on(today + 3 * DAY))
    db.session.expire_all()
    assert enrollment.student.status == StudentStatus.ACTIVE
    resumes = db.session.scalars(select(StatusChange).where(StatusChange.kind == Kind.RESUME)).all()
    assert [change.reason for change in resumes] == ["骨折在家休养"]  # the approved request, not a second, automatic one
