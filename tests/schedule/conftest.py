"""Fixtures for classes: classrooms on both campuses, classes in them (lessons: tests/conftest.py's make_lesson)."""
from __future__ import annotations

import datetime as dt

import pytest

from eduflow.extensions import db
from eduflow.models import Role
from eduflow.schedule.services import school_today
from tests import factories


def next_weekday(weekday: int, after: dt.date | None = None) -> dt.date:
    """The first date after `after` (default: today) that falls on `weekday` (0 = Monday)."""
    day = (after or school_today()) + dt.timedelta(days=1)
    return day + dt.timedelta(days=(weekday - day.weekday()) % 7)


@pytest.fixture
def rooms(campuses):
    """Two classrooms on the first campus (A101, A102) and one on the second (B201)."""
    first, second = campuses
    made = {"a101": factories.make_room(first, "A101"), "a102": factories.make_room(first, "A102"),
            "b201": factories.make_room(second, "B201")}
    db.session.commit()
    return made


@pytest.fixture
def make_class(campuses, users, course, rooms):
    """A class on the first campus headed by `teacher` in A101, running from today for 12 weeks."""

    def make(name="英语一班", campus=0, teacher="teacher", room="a101", capacity=12, **fields):
        today = school_today()
        class_group = factories.make_class(course, campuses[campus], name=name, head=users[teacher] if teacher else None,
                                           room=rooms[room] if room else None, capacity=capacity,
                                           start_date=fields.pop("start_date", today),
                                           end_date=fields.pop("end_date", today + dt.timedelta(weeks=12)), **fields)
        db.session.commit()
        return class_group

    return make


@pytest.fixture
def teacher2(campuses):
    """A second teacher on the first campus."""
    user = factories.make_user("teacher2", Role.TEACHER, campuses[0], display_name="王老师")
    db.session.commit()
    return user
