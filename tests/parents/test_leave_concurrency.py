"""Phones asking leave for one lesson at the same moment: one request, one pre-mark, the others refused.

Run it on every database: EDUFLOW_TEST_DATABASE_URL=postgresql+psycopg://… or mysql+pymysql://… (see tests/conftest.py).
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select

from eduflow.attendance.leave import LeaveRefused, ask_leave
from eduflow.extensions import db
from eduflow.models import Attendance, AttendanceStatus, LeaveRequest
from tests.parents.leave_support import at, lessons, phones_at_once  # noqa: F401 - fixture

PHONES = 4


def test_phones_asking_at_once_make_one_request_and_one_pre_mark(app, family, lessons):
    now = at(lessons.tomorrow.lesson_date - dt.timedelta(days=1), 10)
    outcomes = phones_at_once(app, PHONES, (family.account.id, lessons.tomorrow.id, family.first.id),
                              lambda account, lesson, student: ask_leave(account, lesson, student, "发烧", now=now),
                              LeaveRefused)
    assert outcomes.count("done") == 1, outcomes
    assert all(outcome == "已经为这节课请过假了。" for outcome in outcomes if outcome != "done"), outcomes
    db.session.expire_all()
    assert db.session.scalar(select(func.count(LeaveRequest.id))) == 1
    marks = db.session.scalars(select(Attendance).where(Attendance.lesson_id == lessons.tomorrow.id)).all()
    assert [mark.status for mark in marks] == [AttendanceStatus.LEAVE]
