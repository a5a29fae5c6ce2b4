"""Fixtures of the leave and review tests: 王小明 (the family's first child) enrolled in a class of 一校区 with a
lesson tomorrow at 09:00, and the clock at any school time (naive UTC, as the services take `now`)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest

from eduflow.extensions import db
from eduflow.i18n import school_today, to_utc
from tests import factories
from tests.concurrency import at_once


@dataclass
class Lessons:
    group: object
    enrollment: object
    tomorrow: object  # 09:00 tomorrow, taught by `teacher`
    other: object  # a lesson of a class the child is not in


def at(day: dt.date, hour: int, minute: int = 0, second: int = 0) -> dt.datetime:
    """School time `day` `hour`:`minute` as the naive UTC the services take."""
    return to_utc(dt.datetime.combine(day, dt.time(hour, minute, second)))


@pytest.fixture
def lessons(family, users, make_class, make_lesson) -> Lessons:
    group = make_class("英语一班")
    enrollment = factories.enroll(family.first, group.course, by=users["academic"], group=group, lessons=10)
    db.session.commit()
    tomorrow = make_lesson(group, school_today() + dt.timedelta(days=1), start=9)
    other_group = make_class("英语二班", head=None)
    factories.enroll(family.other, other_group.course, by=users["academic"], group=other_group, lessons=10)
    db.session.commit()
    other = make_lesson(other_group, school_today() + dt.timedelta(days=1), start=10)
    return Lessons(group, enrollment, tomorrow, other)


def phones_at_once(app, count: int, ids: tuple[int, int, int], act, refused: type[Exception]) -> list:
    """`count` parents' phones acting at the same moment, each in its own app context and session:
    act(account, lesson, student) runs once per phone; returns each phone's outcome — "done", the refusal's
    message, or any other error (which the test reports)."""
    from eduflow.models import Lesson, ParentAccount, Student

    def phone():
        account_id, lesson_id, student_id = ids
        account, lesson = db.session.get(ParentAccount, account_id), db.session.get(Lesson, lesson_id)
        student = db.session.get(Student, student_id)
        try:
            act(account, lesson, student)
            db.session.commit()
            return "done"
        except refused as refusal:
            db.session.rollback()
            return str(refusal)
        except Exception:
            db.session.rollback()
            raise

    return at_once(app, count, phone)
