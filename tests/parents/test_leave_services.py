"""请假 by a parent, without HTTP: the cutoff on the school's clock, the pre-mark the sheet's own service writes (the
campus's deducting statuses, the makeup list), withdrawal, and one request however often it is asked."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from eduflow.attendance.leave import LeaveRefused, ask_leave, leave_window, withdraw_leave
from eduflow.attendance.makeups import book_makeup
from eduflow.attendance.services import mark_attendance
from eduflow.enrollments.ledger import balance
from eduflow.extensions import db
from eduflow.i18n import school_today
from eduflow.models import Attendance, AttendanceStatus, LeaveRequest, Makeup, Settings
from eduflow.settings import settings_for
from tests.parents.leave_support import at, lessons  # noqa: F401 - fixture

def _early(lessons):
    """The day before the lesson at 10:00: long before the cutoff."""
    return at(lessons.tomorrow.lesson_date - dt.timedelta(days=1), 10)


def _mark(lesson, student):
    db.session.expire_all()
    return db.session.scalar(select(Attendance).where(Attendance.lesson_id == lesson.id,
                                                      Attendance.student_id == student.id))


def _ask(family, lessons, reason="发烧", now=None, lesson=None, student=None):
    leave = ask_leave(family.account, lesson or lessons.tomorrow, student or family.first, reason,
                      now=now or _early(lessons))
    db.session.commit()
    return leave


def test_asking_leave_pre_marks_leave_recorded_by_nobody_and_keeps_the_reason(family, lessons):
    leave = _ask(family, lessons)
    mark = _mark(lessons.tomorrow, family.first)
    assert mark.status == AttendanceStatus.LEAVE and mark.recorded_by_id is None
    assert (leave.reason, leave.parent_account_id, leave.withdrawn_at) == ("发烧", family.account.id, None)
    assert balance(lessons.enrollment.id) == 10  # 请假 deducts nothing by default


def test_leave_is_possible_exactly_at_the_cutoff_and_not_a_second_later(family, lessons):
    day = lessons.tomorrow.lesson_date
    assert leave_window(lessons.tomorrow, now=at(day, 7)).open
    assert not leave_window(lessons.tomorrow, now=at(day, 7, 0, 1)).open
    with pytest.raises(LeaveRefused, match="2 小时内") as refused:
        ask_leave(family.account, lessons.tomorrow, family.first, "发烧", now=at(day, 7, 0, 1))
    assert f"{day.isoformat()} 07:00" in str(refused.value)
    db.session.rollback()
    _ask(family, lessons, now=at(day, 7))


def test_the_cutoff_is_on_the_schools_clock_not_utc(family, lessons):
    day = lessons.tomorrow.lesson_date
    # 06:30 at school is 22:30 UTC the day before: in time, whatever the server's clock says.
    assert leave_window(lessons.tomorrow, now=dt.datetime.combine(day - dt.timedelta(days=1), dt.time(22, 30))).open
    # 08:00 UTC is 16:00 at school: long past.
    assert not leave_window(lessons.tomorrow, now=dt.datetime.combine(day, dt.time(8))).open


def test_the_campus_sets_its_own_cutoff(family, lessons, campuses):
    db.session.add(Settings(campus_id=campuses[0].id, leave_cutoff_hours=24))
    db.session.commit()
    day = lessons.tomorrow.lesson_date
    assert not leave_window(lessons.tomorrow, now=at(day - dt.timedelta(days=1), 10)).open
    assert leave_window(lessons.tomorrow, now=at(day - dt.timedelta(days=1), 9)).open


def test_asking_twice_gives_one_request_and_a_refusal(family, lessons):
    _ask(family, lessons)
    with pytest.raises(LeaveRefused, match="已经为这节课请过假"):
        _ask(family, lessons, reason="又发烧")
    db.session.rollback()
    assert db.session.scalar(select(func.count(LeaveRequest.id))) == 1


def test_refusals(family, lessons, users):
    with pytest.raises(LeaveRefused, match="不是"):
        _ask(family, lessons, lesson=lessons.other)
    db.session.rollback()
    with pytest.raises(LeaveRefused, match="最多 200"):
        _ask(family, lessons, reason="很" * 201)
    db.session.rollback()
    with pytest.raises(LeaveRefused, match="请假原因"):
        _ask(family, lessons, reason="  ")
    db.session.rollback()
    with pytest.raises(LeaveRefused, match="自己的孩子"):
        _ask(family, lessons, student=family.other, lesson=lessons.other)
    db.session.rollback()
    assert db.session.scalar(select(func.count(LeaveRequest.id))) == 0


def test_a_lesson_the_teacher_marked_otherwise_is_refused(family, lessons, users):
    mark_attendance(lessons.tomorrow, family.first.id, AttendanceStatus.LEAVE, by=users["teacher"])
    db.session.commit()
    _ask(family, lessons)  # the teacher's own 请假 stands; the parent still gives the reason
    db.session.query(LeaveRequest).delete()
    db.session.commit()
    mark = _mark(lessons.tomorrow, family.first)
    mark.status = AttendanceStatus.ABSENT
    db.session.commit()
    with pytest.raises(LeaveRefused, match="缺勤"):
        _ask(family, lessons)


def test_a_suspended_child_is_refused(family, lessons):
    family.first.suspended_from = school_today()
    db.session.commit()
    with pytest.raises(LeaveRefused, match="休学"):
        _ask(family, lessons)


def test_withdrawing_takes_the_pre_mark_away_and_asking_again_reuses_the_request(family, lessons):
    leave = _ask(family, lessons)
    withdraw_leave(family.account, leave, now=_early(lessons))
    db.session.commit()
    assert _mark(lessons.tomorrow, family.first) is None
    assert db.session.get(LeaveRequest, leave.id).withdrawn_at is not None
    again = _ask(family, lessons, reason="出差")
    assert again.id == leave.id and again.withdrawn_at is None and again.reason == "出差"
    assert _mark(lessons.tomorrow, family.first).status == AttendanceStatus.LEAVE


def test_withdrawing_after_the_cutoff_or_twice_is_refused(family, lessons):
    leave = _ask(family, lessons)
    with pytest.raises(LeaveRefused, match="不能在线撤回"):
        withdraw_leave(family.account, leave, now=at(lessons.tomorrow.lesson_date, 8))
    db.session.rollback()
    withdraw_leave(family.account, leave, now=_early(lessons))
    db.session.commit()
    with pytest.raises(LeaveRefused, match="已经撤回"):
        withdraw_leave(family.account, leave, now=_early(lessons))


def test_a_mark_the_teacher_changed_refuses_the_withdrawal(family, lessons, users):
    leave = _ask(family, lessons)
    # On the lesson's day the sheet takes every status (before that only 请假).
    mark_attendance(lessons.tomorrow, family.first.id, AttendanceStatus.ABSENT, by=users["academic"],
                    today=lessons.tomorrow.lesson_date)
    db.session.commit()
    with pytest.raises(LeaveRefused, match="老师已处理"):
        withdraw_leave(family.account, leave, now=_early(lessons))
    db.session.rollback()
    assert _mark(lessons.tomorrow, family.first).status == AttendanceStatus.ABSENT


def test_the_pre_mark_puts_the_child_on_the_makeup_list(family, lessons, users, make_class, make_lesson):
    _ask(family, lessons)
    target = make_lesson(make_class("英语三班", head=None), lessons.tomorrow.lesson_date + dt.timedelta(days=2))
    makeup = book_makeup(lessons.tomorrow, family.first.id, target, by=users["academic"])
    db.session.commit()
    assert makeup.missed_attendance_id == _mark(lessons.tomorrow, family.first).id
    with pytest.raises(LeaveRefused, match="补课"):
        withdraw_leave(family.account, db.session.scalar(select(LeaveRequest)), now=_early(lessons))
    db.session.rollback()
    assert db.session.scalar(select(func.count(Makeup.id))) == 1


def test_where_leave_deducts_the_pre_mark_deducts_and_cannot_be_withdrawn_online(family, lessons, campuses):
    own = Settings(campus_id=campuses[0].id, deducting_statuses="present,late,leave,absent")
    db.session.add(own)
    db.session.commit()
    leave = _ask(family, lessons)
    assert balance(lessons.enrollment.id) == 9
    with pytest.raises(LeaveRefused, match="扣课时"):
        withdraw_leave(family.account, leave, now=_early(lessons))
    db.session.rollback()
    assert balance(lessons.enrollment.id) == 9
    assert settings_for(campuses[0].id).id == own.id
