"""The ledger rules of a mark, tested without HTTP: one deduction per mark, corrections, leave, debt, lock."""
from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from sqlalchemy import select

from eduflow.enrollments.creation import create_enrollment
from eduflow.attendance.roster import roster
from eduflow.attendance.services import (
    DebtNotConfirmed, NotOnRoster, NotYourLesson, mark_all_present, mark_attendance, mark_trial, sheet_rules,
)
from eduflow.domain import DomainError
from eduflow.extensions import db
from eduflow.models import (
    AttendanceStatus, AuditLog, LedgerKind, LessonLedgerEntry, ReminderKind, ReminderStatus, RenewalReminder,
    Settings, TrialLesson, TrialStatus,
)
from tests import factories
from tests.attendance.conftest import balance_of, ledger_of, mark_of

PRESENT, LATE, LEAVE, ABSENT = (AttendanceStatus.PRESENT, AttendanceStatus.LATE, AttendanceStatus.LEAVE,
                                AttendanceStatus.ABSENT)


def _mark(lesson, enrollment, status, users, who="teacher", confirmed=False):
    result = mark_attendance(lesson, enrollment.student_id, status, by=users[who], confirmed=confirmed)
    db.session.commit()
    return result


def test_a_present_mark_takes_the_lessons_units_once_however_often_it_is_tapped(users, make_lesson, group, enroll_new):
    lesson, enrollment = make_lesson(group, units=2), enroll_new(group)
    _mark(lesson, enrollment, PRESENT, users)
    assert _mark(lesson, enrollment, PRESENT, users) is None  # nothing to do the second time
    attendance = mark_of(lesson, enrollment.student)
    [debit] = ledger_of(attendance)
    assert (debit.kind, debit.units, debit.lesson_id, debit.enrollment_id) == (LedgerKind.ATTENDANCE, -2, lesson.id,
                                                                                enrollment.id)
    assert group.name in debit.reason and "出勤" in debit.reason
    assert attendance.recorded_by_id == users["teacher"].id and attendance.enrollment_id == enrollment.id
    assert balance_of(enrollment) == 8


def test_changing_a_mark_writes_a_compensating_row_and_never_edits_the_old_one(users, lesson, group, enroll_new):
    enrollment = enroll_new(group)
    _mark(lesson, enrollment, PRESENT, users)
    _mark(lesson, enrollment, LEAVE, users)
    assert balance_of(enrollment) == 10
    _mark(lesson, enrollment, ABSENT, users)
    rows = ledger_of(mark_of(lesson, enrollment.student))
    assert [(row.kind, row.units) for row in rows] == [
        (LedgerKind.ATTENDANCE, -1), (LedgerKind.CORRECTION, 1), (LedgerKind.CORRECTION, -1)]
    assert "更正" in rows[1].reason
    assert balance_of(enrollment) == 9
    _mark(lesson, enrollment, LATE, users)  # late deducts like present and absent: no row at all
    assert len(ledger_of(mark_of(lesson, enrollment.student))) == 3
    assert mark_of(lesson, enrollment.student).status == LATE


def test_leave_deducts_nothing_and_a_later_attended_mark_is_an_ordinary_debit(users, lesson, group, enroll_new):
    enrollment = enroll_new(group)
    _mark(lesson, enrollment, LEAVE, users)
    assert balance_of(enrollment) == 10 and ledger_of(mark_of(lesson, enrollment.student)) == []
    _mark(lesson, enrollment, PRESENT, users)
    [debit] = ledger_of(mark_of(lesson, enrollment.student))
    assert (debit.kind, debit.units) == (LedgerKind.ATTENDANCE, -1)


def test_the_campus_setting_decides_which_statuses_deduct(users, campuses, make_lesson, group, enroll_new):
    db.session.add(Settings(campus_id=campuses[0].id, deducting_statuses="present,late,absent,leave"))
    db.session.commit()
    leave_deducts, enrollment = make_lesson(group), enroll_new(group)
    _mark(leave_deducts, enrollment, LEAVE, users)
    assert balance_of(enrollment) == 9
    db.session.scalar(select(Settings).where(Settings.campus_id == campuses[0].id)).deducting_statuses = "present"
    db.session.commit()
    absent_is_free = make_lesson(group, start=14)
    _mark(absent_is_free, enrollment, ABSENT, users)
    assert balance_of(enrollment) == 9


def test_a_balance_may_go_negative_and_raises_one_urgent_reminder_for_the_owner(users, make_lesson, group, enroll_new):
    enrollment = enroll_new(group, purchased=1)
    for start in (9, 11, 14):
        _mark(make_lesson(group, start=start), enrollment, PRESENT, users, confirmed=True)
    assert balance_of(enrollment) == -2
    [reminder] = db.session.scalars(select(RenewalReminder)).all()
    assert (reminder.kind, reminder.status, reminder.is_urgent) == (ReminderKind.LOW_HOURS, ReminderStatus.PENDING,
                                                                    True)
    assert (reminder.enrollment_id, reminder.assigned_to_id, reminder.trigger_value) == (
        enrollment.id, users["sales"].id, "-2")


def test_a_pending_low_hours_reminder_is_made_urgent_rather_than_repeated(users, lesson, group, enroll_new):
    enrollment = enroll_new(group, purchased=1)
    db.session.add(RenewalReminder(student_id=enrollment.student_id, enrollment_id=enrollment.id,
                                   kind=ReminderKind.LOW_HOURS, trigger_value="1", assigned_to_id=users["sales"].id))
    db.session.commit()
    other = enroll_new(group, name="李四", purchased=1)
    _mark(lesson, other, PRESENT, users)  # reaching zero is not debt
    _mark(lesson, enrollment, PRESENT, users)
    lesson2 = lesson.__class__(class_id=group.id, lesson_date=lesson.lesson_date, start_time=dt.time(15),
                               end_time=dt.time(16), units=1, teacher_id=users["teacher"].id)
    db.session.add(lesson2)
    db.session.commit()
    _mark(lesson2, enrollment, ABSENT, users, confirmed=True)
    [reminder] = db.session.scalars(select(RenewalReminder)).all()
    assert reminder.is_urgent and reminder.trigger_value == "-1"


def test_teachers_mark_only_lessons_they_teach_or_whose_class_they_head(users, make_class, make_lesson, enroll_new):
    headed = make_class("班主任班", head="teacher")
    by_colleague = make_lesson(headed, teacher="admin")
    other_class = make_class("别人的班", head=None)
    taught = make_lesson(other_class, teacher="teacher")
    not_theirs = make_lesson(other_class, teacher=None, start=15)
    mine, theirs = enroll_new(headed), enroll_new(other_class, name="李四")
    _mark(by_colleague, mine, PRESENT, users)
    _mark(taught, theirs, PRESENT, users)
    with pytest.raises(NotYourLesson) as refused:
        _mark(not_theirs, theirs, PRESENT, users)
    assert refused.value.status_code == 403
    with pytest.raises(NotYourLesson):
        _mark(taught, theirs, ABSENT, users, who="sales")
    _mark(not_theirs, theirs, LATE, users, who="academic")
    assert balance_of(theirs) == 8


def test_a_student_not_on_the_roster_cannot_be_marked(users, make_class, lesson, enroll_new):
    elsewhere = enroll_new(make_class("B班"))
    with pytest.raises(NotOnRoster):
        mark_attendance(lesson, elsewhere.student_id, PRESENT, by=users["teacher"])
    db.session.rollback()
    assert db.session.scalars(select(LessonLedgerEntry).where(LessonLedgerEntry.lesson_id == lesson.id)).all() == []


def test_a_lesson_not_held_yet_takes_only_leave(users, make_lesson, group, enroll_new, today):
    tomorrow, enrollment = make_lesson(group, day=today + dt.timedelta(days=1)), enroll_new(group)
    with pytest.raises(DomainError, match="只能登记请假"):
        _mark(tomorrow, enrollment, PRESENT, users)
    _mark(tomorrow, enrollment, LEAVE, users)
    assert mark_of(tomorrow, enrollment.student).status == LEAVE


@pytest.mark.parametrize("days_ago, teacher_may", [(7, True), (8, False)])
def test_sheets_older_than_the_lock_setting_are_read_only_for_teachers(users, make_lesson, group, enroll_new, today,
                                                                       days_ago, teacher_may):
    old, enrollment = make_lesson(group, day=today - dt.timedelta(days=days_ago)), enroll_new(group)
    assert sheet_rules(old, users["teacher"]).may_mark is teacher_may
    if teacher_may:
        _mark(old, enrollment, PRESENT, users)
        return
    for who in ("teacher", "academic"):
        with pytest.raises(DomainError, match="已锁定") as refused:
            _mark(old, enrollment, PRESENT, users, who=who)
        assert refused.value.status_code == 422
        db.session.rollback()
    assert mark_of(old, enrollment.student) is None and balance_of(enrollment) == 10


def test_a_manager_corrects_a_locked_sheet_and_the_late_entry_is_audited(users, make_lesson, group, enroll_new, today):
    old, enrollment = make_lesson(group, day=today - dt.timedelta(days=30)), enroll_new(group)
    _mark(old, enrollment, ABSENT, users, who="manager")
    _mark(old, enrollment, LEAVE, users, who="manager")
    attendance = mark_of(old, enrollment.student)
    late = db.session.scalars(select(AuditLog).where(AuditLog.action == "attendance_correction")
                              .order_by(AuditLog.id)).all()
    assert [entry.changes for entry in late] == [{"status": [None, "absent"], "late_entry": True},
                                                 {"status": ["absent", "leave"], "late_entry": True}]
    assert {entry.entity_id for entry in late} == {str(attendance.id)}
    assert db.session.scalar(select(AuditLog.id).where(AuditLog.entity == "attendance", AuditLog.action == "update"))
    assert balance_of(enrollment) == 10


def test_all_present_marks_only_the_unmarked_and_never_overwrites(users, lesson, group, enroll_new):
    first, second, third = enroll_new(group, "甲"), enroll_new(group, "乙"), enroll_new(group, "丙")
    _mark(lesson, second, LEAVE, users)
    done = mark_all_present(lesson, by=users["teacher"])
    db.session.commit()
    assert set(done) == {first.student_id, third.student_id}
    assert mark_of(lesson, second.student).status == LEAVE
    assert [balance_of(e) for e in (first, second, third)] == [9, 10, 9]
    assert mark_all_present(lesson, by=users["teacher"]) == []
    assert all(row.attendance for row in roster(lesson))


def test_all_present_is_refused_on_a_sheet_the_user_may_not_mark(users, make_lesson, group, enroll_new, today):
    enrollment = enroll_new(group)
    with pytest.raises(DomainError):
        mark_all_present(make_lesson(group, day=today - dt.timedelta(days=9)), by=users["teacher"])
    db.session.rollback()
    assert balance_of(enrollment) == 10


def test_a_trial_lead_is_marked_without_touching_any_ledger(users, campuses, lesson, group, enroll_new):
    trial = factories.make_trial(factories.make_lead(campuses[0], name="试听生", owner=users["sales"]), lesson)
    db.session.commit()
    mark_trial(lesson, trial.id, TrialStatus.ATTENDED, by=users["teacher"])
    db.session.commit()
    assert db.session.get(TrialLesson, trial.id).status == TrialStatus.ATTENDED
    assert db.session.scalars(select(LessonLedgerEntry).where(LessonLedgerEntry.lesson_id == lesson.id)).all() == []


def test_a_mark_into_debt_is_written_only_once_confirmed(users, make_lesson, group, enroll_new):
    enrollment = enroll_new(group, purchased=1)
    _mark(make_lesson(group, start=8), enrollment, PRESENT, users)  # down to zero: no question
    lesson = make_lesson(group)
    with pytest.raises(DebtNotConfirmed) as asked:
        _mark(lesson, enrollment, ABSENT, users)
    [owing] = asked.value.owing
    assert (owing.student.id, owing.status, owing.balance, owing.units, owing.after) == (
        enrollment.student_id, ABSENT, 0, 1, -1)
    assert mark_of(lesson, enrollment.student) is None and balance_of(enrollment) == 0
    assert db.session.scalars(select(RenewalReminder)).all() == []
    _mark(lesson, enrollment, ABSENT, users, confirmed=True)
    assert balance_of(enrollment) == -1
    _mark(lesson, enrollment, LEAVE, users)  # a credit never asks
    _mark(lesson, enrollment, LATE, users, confirmed=True)
    _mark(lesson, enrollment, PRESENT, users)  # already deducted: nothing more to take, no question
    assert balance_of(enrollment) == -1


def test_each_ledger_row_keeps_the_status_it_was_written_for(client, login_as, users, lesson, group, enroll_new):
    enrollment = enroll_new(group)
    for status in (PRESENT, ABSENT, LEAVE, LATE):  # present→absent moves nothing: no row of its own
        _mark(lesson, enrollment, status, users)
    rows = ledger_of(mark_of(lesson, enrollment.student))
    assert [(row.kind, row.units, row.attendance_status) for row in rows] == [
        (LedgerKind.ATTENDANCE, -1, PRESENT), (LedgerKind.CORRECTION, 1, LEAVE), (LedgerKind.CORRECTION, -1, LATE)]
    login_as("academic")
    page = client.get(f"/students/{enrollment.student_id}/enrollments/{enrollment.id}/ledger").get_data(as_text=True)
    shown = re.findall(r'data-testid="ledger-status"><span class="badge [^"]+">([^<]+)<', page)
    assert shown == ["迟到", "请假", "出勤"]  # newest first, each its own, not today's 迟到 three times


def test_a_student_in_two_classes_draws_on_this_class_and_keeps_the_other_balance(users, make_class, make_lesson,
                                                                                  group, enroll_new):
    """The sheet reads the remainders of the enrolments its rows draw on: this class's, never the other one's."""
    here = enroll_new(group, purchased=3)
    other = create_enrollment(here.student, group.course, by=users["academic"], contract_no="HT-两个班",
                              total_fee=Decimal("1000"), lessons_purchased=7, class_group=make_class("英语B班"))
    db.session.commit()
    lesson = make_lesson(group, units=2)
    [row] = roster(lesson)
    assert (row.enrollment_id, row.balance) == (here.id, 3)
    _mark(lesson, here, PRESENT, users)
    assert (balance_of(here), balance_of(other)) == (1, 7)
    [row] = roster(lesson)
    assert (row.enrollment_id, row.balance, row.status) == (here.id, 1, PRESENT)
