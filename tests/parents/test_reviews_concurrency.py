"""Phones sending a review of one lesson at the same moment: one review, the others refused.

Run it on every database: EDUFLOW_TEST_DATABASE_URL=postgresql+psycopg://… or mysql+pymysql://… (see tests/conftest.py).
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select

from eduflow.attendance.services import mark_attendance
from eduflow.extensions import db
from eduflow.i18n import school_today
from eduflow.models import AttendanceStatus, Review
from eduflow.parents.reviews import Ratings, ReviewRefused, review_lesson
from tests.parents.leave_support import lessons, phones_at_once  # noqa: F401 - fixture

PHONES = 3


def test_reviews_sent_at_once_keep_one(app, family, lessons, users, make_lesson):
    held = make_lesson(lessons.group, school_today() - dt.timedelta(days=1))
    mark_attendance(held, family.first.id, AttendanceStatus.PRESENT, by=users["teacher"])
    db.session.commit()
    outcomes = phones_at_once(app, PHONES, (family.account.id, held.id, family.first.id),
                              lambda account, lesson, student: review_lesson(account, lesson, student,
                                                                             Ratings(5, 5, 5, "好")),
                              ReviewRefused)
    assert outcomes.count("done") == 1, outcomes
    assert all(outcome == "这节课已经评价过了。" for outcome in outcomes if outcome != "done"), outcomes
    db.session.expire_all()
    assert db.session.scalar(select(func.count(Review.id))) == 1
