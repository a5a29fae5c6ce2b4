"""Two phones asking leave for one lesson at the same moment: one request, one pre-mark, the other refused.

Run it on every database: EDUFLOW_TEST_DATABASE_URL=postgresql+psycopg://… or mysql+pymysql://… (see tests/conftest.py).
"""
from __future__ import annotations

import datetime as dt
import threading

from sqlalchemy import func, select

from eduflow.attendance.leave import LeaveRefused, ask_leave
from eduflow.extensions import db
from eduflow.models import Attendance, AttendanceStatus, LeaveRequest, Lesson, ParentAccount, Student
from tests.parents.leave_support import at, lessons  # noqa: F401 - fixture

PHONES = 4


def _phone(app, ids: tuple[int, int, int], now: dt.datetime, start: threading.Barrier, outcomes: list) -> None:
    """One parent's phone: its own app context and session, asking once as soon as every phone is ready."""
    account_id, lesson_id, student_id = ids
    with app.app_context():
        try:
            account, lesson = db.session.get(ParentAccount, account_id), db.session.get(Lesson, lesson_id)
            student = db.session.get(Student, student_id)
            start.wait()
            ask_leave(account, lesson, student, "发烧", now=now)
            db.session.commit()
            outcomes.append("asked")
        except LeaveRefused as refused:
            db.session.rollback()
            outcomes.append(str(refused))
        except Exception as exc:  # noqa: BLE001 - reported by the test
            db.session.rollback()
            outcomes.append(exc)
        finally:
            db.session.remove()


def test_phones_asking_at_once_make_one_request_and_one_pre_mark(app, family, lessons):
    ids = (family.account.id, lessons.tomorrow.id, family.first.id)
    now = at(lessons.tomorrow.lesson_date - dt.timedelta(days=1), 10)
    start, outcomes = threading.Barrier(PHONES), []
    threads = [threading.Thread(target=_phone, args=(app, ids, now, start, outcomes)) for _ in range(PHONES)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert outcomes.count("asked") == 1, outcomes
    assert all(outcome == "已经为这节课请过假了。" for outcome in outcomes if outcome != "asked"), outcomes
    db.session.expire_all()
    assert db.session.scalar(select(func.count(LeaveRequest.id))) == 1
    marks = db.session.scalars(select(Attendance).where(Attendance.lesson_id == lessons.tomorrow.id)).all()
    assert [mark.status for mark in marks] == [AttendanceStatus.LEAVE]
