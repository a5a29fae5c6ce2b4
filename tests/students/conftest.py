"""Fixtures for the student screens: a course, classes, lessons, students with a parent, enrolments."""
from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

import pytest

from eduflow.enrollments.creation import create_enrollment
from eduflow.extensions import db
from eduflow.models import ClassGroup, Course, Lesson, PaymentMethod, StudentStatus
from eduflow.students.services import create_student

_numbers = itertools.count(1)


@pytest.fixture
def course(campuses):
    course = Course(name="少儿英语", total_lessons=48, price=Decimal("4800"))
    db.session.add(course)
    db.session.commit()
    return course


@pytest.fixture
def make_class(campuses, users, course):
    """A class of `course` on the first campus headed by `teacher`, unless told otherwise."""

    def make(name="英语一班", campus=0, head="teacher", capacity=20):
        group = ClassGroup(name=name, course_id=course.id, campus_id=campuses[campus].id,
                           head_teacher_id=users[head].id if head else None, capacity=capacity)
        db.session.add(group)
        db.session.commit()
        return group

    return make


@pytest.fixture
def make_lesson(users):
    def make(class_group, day=dt.date(2025, 3, 1), start=dt.time(18, 0), teacher="teacher", units=1):
        lesson = Lesson(class_id=class_group.id, lesson_date=day, start_time=start,
                        end_time=(dt.datetime.combine(day, start) + dt.timedelta(hours=1)).time(),
                        teacher_id=users[teacher].id if teacher else None, units=units)
        db.session.add(lesson)
        db.session.commit()
        return lesson

    return make


@pytest.fixture
def make_student(campuses, users):
    """A student (through the service) with a primary parent, owned by `sales` on the first campus."""

    def make(name="李小明", owner="sales", campus=0, phone=None, parent_phone=None, by="admin", **profile):
        student = create_student(
            by=users[by], campus_id=campuses[campus].id, status=profile.pop("status", StudentStatus.POTENTIAL),
            owner_id=users[owner].id if owner else None, phone=phone, name=name,
            parent={"name": f"{name}妈妈", "relationship": "母亲",
                    "phone": parent_phone or f"139{next(_numbers):08d}"}, **profile)
        db.session.commit()
        return student

    return make


@pytest.fixture
def enroll(users, course):
    """Enrol a student through the enrolment service (purchase and gift credited in the ledger)."""

    def make(student, class_group=None, lessons=20, gift=0, fee=Decimal("3000"), paid=Decimal("1000")):
        enrollment = create_enrollment(student, course, by=users["manager"], contract_no=f"HT-{next(_numbers):05d}",
                                       total_fee=fee, lessons_purchased=lessons, gift_lessons=gift,
                                       class_group=class_group, paid_amount=paid,
                                       payment_method=PaymentMethod.WECHAT if paid else None)
        db.session.commit()
        return enrollment

    return make
