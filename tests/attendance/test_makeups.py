"""Makeups (补课), tested without HTTP: the missed lesson and its makeup are paid for exactly once."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from eduflow.attendance.roster import makeup_targets, roster
from eduflow.attendance.makeups import book_makeup
from eduflow.attendance.services import mark_attendance
from eduflow.domain import DomainError
from eduflow.extensions import db
from eduflow.models import AttendanceStatus, LedgerKind, Makeup, MakeupStatus
from tests import factories
from tests.attendance.conftest import balance_of, ledger_of, mark_of

PRESENT, LATE, LEAVE, ABSENT = (AttendanceStatus.PRESENT, AttendanceStatus.LATE, AttendanceStatus.LEAVE,
                                AttendanceStatus.ABSENT)


@pytest.fixture
def missed(users, group, make_lesson, enroll_new, today):
    """A student of 英语A班 and yesterday's lesson they are about to miss."""
    return make_lesson(group, day=today - dt.timedelta(days=1)), enroll_new(group)


@pytest.fixture
def other_lesson(make_class, make_lesson):
    """Today's lesson of another class of the same course, taught by `teacher`."""
    return make_lesson(make_class("英语B班", head=None), start=15)


def _mark(lesson, enrollment, status, users, who="academic"):
    mark_attendance(lesson, enrollment.student_id, status, by=users[who])
    db.session.commit()


def _book(missed_lesson, enrollment, target, users):
    makeup = book_makeup(missed_lesson, enrollment.student_id, target, by=users["academic"])
    db.session.commit()
    return makeup


def test_an_absent_student_made_up_pays_for_the_pair_once(users, missed, other_lesson):
    lesson, enrollment = missed
    _mark(lesson, enrollment, ABSENT, users)
    makeup = _book(lesson, enrollment, other_lesson, users)
    [row] = [row for row in roster(other_lesson) if row.makeup]
    assert row.student.id == enrollment.student_id and row.enrollment_id == enrollment.id
    _mark(other_lesson, enrollment, PRESENT, users, who="teacher")
    assert balance_of(enrollment) == 9
    attended = mark_of(other_lesson, enrollment.student)
    assert attended.enrollment_id == enrollment.id and ledger_of(attended) == []
    assert db.session.get(Makeup, makeup.id).status == MakeupStatus.ATTENDED


def test_a_student_on_leave_pays_once_when_attending_the_makeup(users, missed, make_lesson, make_class, today):
    lesson, enrollment = missed
    _mark(lesson, enrollment, LEAVE, users)
    target = make_lesson(make_class("英语C班", head=None), units=2)
    _book(lesson, enrollment, target, users)
    _mark(target, enrollment, LATE, users)
    [debit] = ledger_of(mark_of(target, enrollment.student))
    assert (debit.kind, debit.units) == (LedgerKind.ATTENDANCE, -1)  # the missed lesson's units
    assert "补课" in debit.reason
    _mark(target, enrollment, PRESENT, users)  # still attended: nothing more
    assert balance_of(enrollment) == 9


def test_changing_either_mark_keeps_the_pair_paid_once(users, missed, other_lesson):
    lesson, enrollment = missed
    _mark(lesson, enrollment, LEAVE, users)
    makeup = _book(lesson, enrollment, other_lesson, users)
    _mark(other_lesson, enrollment, PRESENT, users)
    assert balance_of(enrollment) == 9
    _mark(lesson, enrollment, ABSENT, users)  # the missed lesson now deducts, so the makeup is free
    assert balance_of(enrollment) == 9
    assert [r.kind for r in ledger_of(mark_of(other_lesson, enrollment.student))] == [LedgerKind.ATTENDANCE,
                                                                                      LedgerKind.CORRECTION]
    _mark(lesson, enrollment, LEAVE, users)
    _mark(other_lesson, enrollment, ABSENT, users)  # skipped the makeup too: leave still deducts nothing
    assert balance_of(enrollment) == 10
    assert db.session.get(Makeup, makeup.id).status == MakeupStatus.BOOKED
    _mark(other_lesson, enrollment, PRESENT, users)
    assert balance_of(enrollment) == 9


def test_only_a_leave_or_absent_mark_can_be_made_up(users, missed, other_lesson):
    lesson, enrollment = missed
    with pytest.raises(DomainError, match="请假或缺勤"):
        _book(lesson, enrollment, other_lesson, users)
    db.session.rollback()
    _mark(lesson, enrollment, PRESENT, users)
    with pytest.raises(DomainError, match="请假或缺勤"):
        _book(lesson, enrollment, other_lesson, users)


@pytest.mark.parametrize("target_kind", ["same-lesson", "own-class", "other-course", "other-campus", "past"])
def test_a_makeup_goes_into_an_upcoming_lesson_of_the_course_in_another_class(
        users, missed, make_lesson, make_class, group, today, target_kind):
    lesson, enrollment = missed
    _mark(lesson, enrollment, ABSENT, users)
    other_course = factories.make_course("少儿美术")
    db.session.commit()
    target = {
        "same-lesson": lambda: lesson,
        "own-class": lambda: make_lesson(group, day=today + dt.timedelta(days=7)),
        "other-course": lambda: make_lesson(make_class("美术班", head=None, of=other_course)),
        "other-campus": lambda: make_lesson(make_class("二校英语", campus=1, head="teacher_b"), teacher="teacher_b"),
        "past": lambda: make_lesson(make_class("英语B班", head=None), day=today - dt.timedelta(days=1)),
    }[target_kind]()
    with pytest.raises(DomainError):
        _book(lesson, enrollment, target, users)
    db.session.rollback()
    assert db.session.scalars(select(Makeup)).all() == []
    assert target not in makeup_targets(lesson, today)


def test_booking_again_moves_the_makeup_until_it_is_marked(users, missed, other_lesson, make_class, make_lesson):
    lesson, enrollment = missed
    _mark(lesson, enrollment, ABSENT, users)
    first = _book(lesson, enrollment, other_lesson, users)
    later = make_lesson(make_class("英语C班", head=None), start=18)
    moved = _book(lesson, enrollment, later, users)
    assert moved.id == first.id and moved.lesson_id == later.id
    assert not [row for row in roster(other_lesson) if row.makeup]
    _mark(later, enrollment, ABSENT, users)
    with pytest.raises(DomainError, match="不能再改约"):
        _book(lesson, enrollment, other_lesson, users)


def test_a_makeup_cannot_itself_be_made_up(users, missed, other_lesson, make_class, make_lesson):
    lesson, enrollment = missed
    _mark(lesson, enrollment, LEAVE, users)
    _book(lesson, enrollment, other_lesson, users)
    _mark(other_lesson, enrollment, ABSENT, users)
    with pytest.raises(DomainError, match="补课"):
        _book(other_lesson, enrollment, make_lesson(make_class("英语C班", head=None), start=18), users)
