"""Attendance for enrolment tests; the course, classes, students and `enroll` are tests/conftest.py's."""
import datetime as dt

import pytest

from eduflow.extensions import db
from eduflow.models import Attendance, AttendanceStatus, LedgerKind
from eduflow.enrollments.ledger import post_entry
from tests import factories


@pytest.fixture
def attend(users):
    """Mark a student present on a new lesson of the enrolment's class and debit the ledger, as the sheet does."""

    def make(enrollment, units=1, day=dt.date(2026, 3, 2)):
        lesson = factories.make_lesson(enrollment.class_group, day, units=units)
        mark = Attendance(lesson_id=lesson.id, student_id=enrollment.student_id, enrollment_id=enrollment.id,
                          status=AttendanceStatus.PRESENT, recorded_by_id=users["teacher"].id)
        db.session.add(mark)
        db.session.flush()
        post_entry(enrollment, LedgerKind.ATTENDANCE, -units, by=users["teacher"], reason="出勤",
                   lesson_id=lesson.id, attendance_id=mark.id)
        db.session.commit()
        return mark

    return make
