"""What a mark tells the family (课消通知, 缺勤, 请假, 更正): written with the mark, once per change, fanned out to the
parent's inbox; 30 devices tapping the same mark at once tell the family once."""
from __future__ import annotations

import threading

from sqlalchemy import select

from eduflow.attendance.services import mark_all_present, mark_attendance
from eduflow.extensions import db
from eduflow.models import (
    AttendanceStatus, Lesson, Notification, NotificationEvent, NotificationKind as Kind, User,
)
from tests import factories


def _family_of(student):
    factories.make_parent(student)
    account = factories.make_parent_account()
    db.session.commit()
    return account


def _messages(account) -> list[Notification]:
    db.session.expire_all()
    return list(db.session.scalars(select(Notification).where(Notification.parent_account_id == account.id)
                                   .order_by(Notification.id)))


def test_a_present_mark_tells_the_parent_the_units_taken_and_the_balance_after(users, lesson, group, enroll_new):
    enrollment = enroll_new(group, purchased=10)
    account = _family_of(enrollment.student)
    mark_attendance(lesson, enrollment.student_id, AttendanceStatus.PRESENT, by=users["teacher"])
    db.session.commit()
    (message,) = _messages(account)
    assert message.kind == Kind.LESSON_DEDUCTED and message.student_id == enrollment.student_id
    assert "扣除 1 课时" in message.body and "剩余 9 课时" in message.body and "出勤" in message.body


def test_a_correction_an_absence_and_a_leave_each_say_so(users, lesson, group, enroll_new):
    enrollment = enroll_new(group, purchased=10)
    account = _family_of(enrollment.student)
    for status in (AttendanceStatus.ABSENT, AttendanceStatus.PRESENT):
        mark_attendance(lesson, enrollment.student_id, status, by=users["teacher"])
        db.session.commit()
    kinds = [message.kind for message in _messages(account)]
    assert kinds == [Kind.ABSENT, Kind.MARK_CORRECTED]
    later = factories.make_lesson(group, lesson.lesson_date, start=lesson.start_time.replace(hour=15))
    db.session.commit()
    mark_attendance(later, enrollment.student_id, AttendanceStatus.LEAVE, by=users["teacher"])
    db.session.commit()
    assert _messages(account)[-1].kind == Kind.LEAVE_CONFIRMED


def test_a_mark_rolled_back_tells_nobody_and_mark_all_tells_each_family(users, lesson, group, enroll_new):
    first, _second = enroll_new(group, name="甲"), enroll_new(group, name="乙")
    account = _family_of(first.student)
    mark_attendance(lesson, first.student_id, AttendanceStatus.PRESENT, by=users["teacher"])
    db.session.rollback()
    assert db.session.scalar(select(NotificationEvent.id)) is None and _messages(account) == []
    mark_all_present(lesson, by=users["teacher"])
    db.session.commit()
    assert [m.student_id for m in _messages(account)] == [first.student_id]  # 乙 has no parent account
    assert len(db.session.scalars(select(NotificationEvent)).all()) == 2


def test_thirty_devices_tapping_the_same_mark_at_once_tell_the_family_once(app, users, lesson, group, enroll_new):
    enrollment = enroll_new(group, purchased=10)
    account = _family_of(enrollment.student)
    start, errors = threading.Barrier(30), []
    lesson_id, student_id, teacher_id = lesson.id, enrollment.student_id, users["teacher"].id  # read here, once

    def device():
        with app.app_context():
            try:
                start.wait()
                mark_attendance(db.session.get(Lesson, lesson_id), student_id, AttendanceStatus.PRESENT,
                                by=db.session.get(User, teacher_id))
                db.session.commit()
            except Exception as error:  # noqa: BLE001 - a refused concurrent tap (409) is expected
                db.session.rollback()
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=device) for _ in range(30)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert all("修改" in str(error) or "locked" in str(error) for error in errors), errors
    deducted = [m for m in _messages(account) if m.kind == Kind.LESSON_DEDUCTED]
    assert len(deducted) == 1 and "剩余 9 课时" in deducted[0].body
