"""Today and enrolled students for the attendance tests (the course, classes and make_lesson: tests/conftest.py)."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from eduflow.enrollments.ledger import balance
from eduflow.attendance.services import school_today
from eduflow.extensions import db
from eduflow.models import Attendance, Enrollment, Lesson, LessonLedgerEntry, Student
from tests import factories


@pytest.fixture
def today(app) -> dt.date:
    return school_today()


@pytest.fixture
def enroll_new(users):
    """A new student of the class's campus, owned by `sales`, with an active enrolment of `purchased` (+ gift) lessons."""

    def make(group, name="王小明", purchased=10, gift=0, owner="sales"):
        student = factories.make_student(group.campus, name=name, owner=users[owner] if owner else None)
        enrollment = factories.enroll(student, group.course, by=users["academic"], group=group, lessons=purchased,
                                      gift=gift, fee="1000")
        db.session.commit()
        return enrollment

    return make


@pytest.fixture
def group(make_class):
    return make_class()


@pytest.fixture
def lesson(make_lesson, group):
    return make_lesson(group)


def balance_of(enrollment: Enrollment) -> int:
    return balance(enrollment.id)


def mark_of(lesson: Lesson, student: Student) -> Attendance | None:
    db.session.expire_all()
    return db.session.scalar(select(Attendance).where(Attendance.lesson_id == lesson.id,
                                                      Attendance.student_id == student.id))


def ledger_of(attendance: Attendance) -> list[LessonLedgerEntry]:
    return list(db.session.scalars(select(LessonLedgerEntry).where(LessonLedgerEntry.attendance_id == attendance.id)
                                   .order_by(LessonLedgerEntry.id)))
