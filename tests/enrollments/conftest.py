"""Attendance for enrolment tests; the course, classes, students and `enroll` are tests/conftest.py's."""
import datetime as dt

import pytest

from eduflow.extensions import db
from tests import factories


@pytest.fixture
def attend(users):
    """Mark a student present on a new lesson of the enrolment's class and debit the ledger, as the sheet does."""

    def make(enrollment, units=1, day=dt.date(2026, 3, 2)):
        lesson = factories.make_lesson(enrollment.class_group, day, units=units)
        mark = factories.mark_and_debit(lesson, enrollment, by=users["teacher"], units=units, reason="出勤")
        db.session.commit()
        return mark

    return make
