"""Fixtures for enrolments: a course, classes, students and a helper that enrols through the real service."""
import datetime as dt
from decimal import Decimal

import pytest

from eduflow.enrollments.creation import create_enrollment
from eduflow.extensions import db
from eduflow.models import (
    Attendance, AttendanceStatus, ClassGroup, Course, LedgerKind, Lesson, PaymentMethod, Student,
)
from eduflow.enrollments.ledger import post_entry


@pytest.fixture
def course():
    course = Course(name="少儿英语", price=Decimal("3000.00"), total_lessons=20)
    db.session.add(course)
    db.session.commit()
    return course


@pytest.fixture
def make_class(campuses, course):
    def make(name="英语一班", campus=0, capacity=20, end_date=None, teacher=None):
        group = ClassGroup(name=name, course_id=course.id, campus_id=campuses[campus].id, capacity=capacity,
                           end_date=end_date, head_teacher_id=teacher.id if teacher else None)
        db.session.add(group)
        db.session.commit()
        return group

    return make


@pytest.fixture
def make_student(campuses, users):
    def make(name="小明", owner="sales", campus=0):
        student = Student(name=name, campus_id=campuses[campus].id, owner_id=users[owner].id if owner else None)
        db.session.add(student)
        db.session.commit()
        return student

    return make


@pytest.fixture
def enrol(users, course):
    """Enrol through create_enrollment (ledger credits and the first payment included) and commit."""
    counter = iter(range(1, 10_000))

    def make(student, class_group=None, contract_no=None, fee="3000", lessons=20, gift=0, paid="0", by="sales"):
        enrollment = create_enrollment(
            student, course, by=users[by], contract_no=contract_no or f"HT-{next(counter):04d}",
            total_fee=Decimal(fee), lessons_purchased=lessons, gift_lessons=gift, class_group=class_group,
            paid_amount=Decimal(paid), payment_method=PaymentMethod.WECHAT if Decimal(paid) else None)
        db.session.commit()
        return enrollment

    return make


@pytest.fixture
def attend(users):
    """Mark a student present on a new lesson of the enrolment's class and debit the ledger, as the sheet does."""

    def make(enrollment, units=1, day=dt.date(2026, 3, 2)):
        lesson = Lesson(class_id=enrollment.class_id, lesson_date=day, start_time=dt.time(9), end_time=dt.time(10),
                        units=units)
        db.session.add(lesson)
        db.session.flush()
        mark = Attendance(lesson_id=lesson.id, student_id=enrollment.student_id, enrollment_id=enrollment.id,
                          status=AttendanceStatus.PRESENT, recorded_by_id=users["teacher"].id)
        db.session.add(mark)
        db.session.flush()
        post_entry(enrollment, LedgerKind.ATTENDANCE, -units, by=users["teacher"], reason="出勤",
                   lesson_id=lesson.id, attendance_id=mark.id)
        db.session.commit()
        return mark

    return make
