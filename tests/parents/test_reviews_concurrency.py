"""Two parents' phones sending a review of one lesson at the same moment: one review, the other refused.

Run it on every database: EDUFLOW_TEST_DATABASE_URL=postgresql+psycopg://… or mysql+pymysql://… (see tests/conftest.py).
"""
from __future__ import annotations

import datetime as dt
import threading

from sqlalchemy import func, select

from eduflow.attendance.services import mark_attendance
from eduflow.extensions import db
from eduflow.i18n import school_today
from eduflow.models import AttendanceStatus, Lesson, ParentAccount, Review, Student
from eduflow.parents.reviews import Ratings, ReviewRefused, review_lesson
from tests.parents.leave_support import lessons  # noqa: F401 - fixture

PHONES = 3


def _phone(app, ids, start: threading.Barrier, outcomes: list) -> None:
    account_id, lesson_id, student_id = ids
    with app.app_context():
        try:
            account, lesson = db.session.get(ParentAccount, account_id), db.session.get(Lesson, lesson_id)
            student = db.session.get(Student, student_id)
            start.wait()
            review_lesson(account, lesson, student, Ratings(5, 5, 5, "好"))
            db.session.commit()
            outcomes.append("reviewed")
        except ReviewRefused as refused:
            db.session.rollback()
            outcomes.append(str(refused))
        except Exception as exc:  # noqa: BLE001 - reported by the test
            db.session.rollback()
            outcomes.append(exc)
        finally:
            db.session.remove()


def test_reviews_sent_at_once_keep_one(app, family, lessons, users, make_lesson):
    held = make_lesson(lessons.group, school_today() - dt.timedelta(days=1))
    mark_attendance(held, family.first.id, AttendanceStatus.PRESENT, by=users["teacher"])
    db.session.commit()
    ids, start, outcomes = (family.account.id, held.id, family.first.id), threading.Barrier(PHONES), []
    threads = [threading.Thread(target=_phone, args=(app, ids, start, outcomes)) for _ in range(PHONES)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert outcomes.count("reviewed") == 1, outcomes
    assert all(outcome == "这节课已经评价过了。" for outcome in outcomes if outcome != "reviewed"), outcomes
    db.session.expire_all()
    assert db.session.scalar(select(func.count(Review.id))) == 1
