"""Fixtures for status changes and reviews: a course with classes, students with a paid enrolment."""
from __future__ import annotations

import itertools
from decimal import Decimal

import pytest

from eduflow.enrollments.creation import create_enrollment
from eduflow.extensions import db
from eduflow.models import ClassGroup, Course, PaymentMethod, Student, StudentStatus

_numbers = itertools.count(1)


@pytest.fixture
def course(campuses):
    course = Course(name="少儿编程", total_lessons=20, price=Decimal("3000"))
    db.session.add(course)
    db.session.commit()
    return course


@pytest.fixture
def make_class(campuses, users, course):
    """A class of `course` (or another course) on the first campus, headed by `teacher` unless told otherwise."""

    def make(name="编程一班", campus=0, head="teacher", capacity=20, of_course=None):
        group = ClassGroup(name=name, course_id=(of_course or course).id, campus_id=campuses[campus].id,
                           head_teacher_id=users[head].id if head else None, capacity=capacity)
        db.session.add(group)
        db.session.commit()
        return group

    return make


@pytest.fixture
def make_student(campuses, users):
    def make(name="王小明", owner="sales", campus=0, status=StudentStatus.ACTIVE):
        student = Student(name=name, campus_id=campuses[campus].id, owner_id=users[owner].id if owner else None,
                          status=status)
        db.session.add(student)
        db.session.commit()
        return student

    return make


@pytest.fixture
def enroll(users, course):
    """An enrolment through the enrolment service: 20 purchased lessons for ¥3000, ¥3000 paid by WeChat."""

    def make(student, class_group=None, lessons=20, gift=0, fee=Decimal("3000"), paid=Decimal("3000"), of_course=None):
        enrollment = create_enrollment(student, of_course or course, by=users["manager"],
                                       contract_no=f"ST-{next(_numbers):05d}", total_fee=fee,
                                       lessons_purchased=lessons, gift_lessons=gift, class_group=class_group,
                                       paid_amount=paid, payment_method=PaymentMethod.WECHAT if paid else None)
        db.session.commit()
        return enrollment

    return make


@pytest.fixture
def enrolled(make_student, make_class, enroll):
    """An active student of sales in 编程一班 with one paid enrolment (20 lessons, ¥3000)."""
    student = make_student()
    group = make_class()
    enrollment = enroll(student, group)
    return student, group, enrollment


@pytest.fixture
def switch_to(login_as):
    """Sign out whoever is signed in, then sign in as `who` (signing in twice keeps the first user)."""

    def switch(who: str):
        login_as.logout()
        return login_as(who)

    return switch
