"""Courses, classes, lessons and enrolled students for the attendance tests."""
from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

import pytest
from sqlalchemy import select

from eduflow.enrollments.creation import create_enrollment
from eduflow.enrollments.ledger import balance
from eduflow.attendance.services import school_today
from eduflow.extensions import db
from eduflow.models import Attendance, ClassGroup, Course, Enrollment, Lesson, LessonLedgerEntry, Student

_contracts = itertools.count(1)


@pytest.fixture
def today(app) -> dt.date:
    return school_today()


@pytest.fixture
def course():
    course = Course(name="少儿英语", total_lessons=48, price=Decimal("4800"))
    db.session.add(course)
    db.session.commit()
    return course


@pytest.fixture
def make_class(users, campuses, course):
    """A class of the course on the first campus, headed by `teacher` unless told otherwise."""

    def make(name="英语A班", campus=0, head="teacher", of=None):
        group = ClassGroup(name=name, course_id=(of or course).id, campus_id=campuses[campus].id,
                           head_teacher_id=users[head].id if head else None, capacity=30)
        db.session.add(group)
        db.session.commit()
        return group

    return make


@pytest.fixture
def make_lesson(users, today):
    """A lesson of the class, today and taught by `teacher` unless told otherwise."""

    def make(group, day=None, teacher="teacher", units=1, start=9):
        lesson = Lesson(class_id=group.id, lesson_date=day or today, start_time=dt.time(start),
                        end_time=dt.time(start + 1), teacher_id=users[teacher].id if teacher else None, units=units)
        db.session.add(lesson)
        db.session.commit()
        return lesson

    return make


@pytest.fixture
def enrol(users):
    """A student of the class's campus, owned by `sales`, with an active enrolment of `purchased` (+ gift) lessons."""

    def make(group, name="王小明", purchased=10, gift=0, owner="sales"):
        student = Student(name=name, campus_id=group.campus_id, owner_id=users[owner].id if owner else None)
        db.session.add(student)
        db.session.flush()
        enrollment = create_enrollment(student, group.course, by=users["academic"], contract_no=f"HT{next(_contracts)}",
                                       total_fee=Decimal("1000"), lessons_purchased=purchased, gift_lessons=gift,
                                       class_group=group)
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
