"""A small school on two campuses to export: leads, students with a parent, an enrolment per student in a class
with a lesson whose attendance is marked (so the ledger has purchase and attendance lines)."""
from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass
from decimal import Decimal

import pytest

from eduflow.enrollments.creation import create_enrollment
from eduflow.attendance.services import mark_attendance
from eduflow.extensions import db
from eduflow.models import (
    AttendanceStatus, ClassGroup, Course, Lead, Lesson, PaymentMethod, StudentStatus,
)
from eduflow.students.services import create_student

LESSON_DAY = dt.date(2025, 3, 3)
_numbers = itertools.count(1)


@dataclass
class School:
    course: Course
    classes: list  # one per campus
    lessons: list  # one per campus
    students: dict  # name → Student
    enrollments: dict  # student name → Enrollment


@pytest.fixture
def make_lead(campuses, users):
    def make(name="张三", owner="sales", campus=0, phone=None, **fields):
        lead = Lead(name=name, campus_id=campuses[campus].id, owner_id=users[owner].id if owner else None, **fields)
        lead.phone = phone or f"138{next(_numbers):08d}"
        db.session.add(lead)
        db.session.commit()
        return lead

    return make


@pytest.fixture
def school(campuses, users) -> School:
    """Campus one: 王小明 (owner sales) and 李小红 (owner sales2) in 英语一班; campus two: 赵小刚 in 英语二班.
    Each enrolled for 20 lessons at 3000 yuan, 1000 paid; 王小明 and 赵小刚 present, 李小红 absent."""
    course = Course(name="少儿英语", total_lessons=48, price=Decimal("4800"))
    db.session.add(course)
    db.session.flush()
    classes, lessons = [], []
    for n, (campus, teacher) in enumerate(((campuses[0], "teacher"), (campuses[1], "teacher_b")), start=1):
        group = ClassGroup(name=f"英语{'一二'[n - 1]}班", course_id=course.id, campus_id=campus.id,
                           head_teacher_id=users[teacher].id, capacity=20)
        db.session.add(group)
        db.session.flush()
        lesson = Lesson(class_id=group.id, lesson_date=LESSON_DAY, start_time=dt.time(18, 0),
                        end_time=dt.time(19, 0), teacher_id=users[teacher].id, units=1)
        db.session.add(lesson)
        classes.append(group)
        lessons.append(lesson)
    db.session.commit()
    students, enrollments = {}, {}
    for name, owner, campus, phone, mark in (("王小明", "sales", 0, "13900000001", AttendanceStatus.PRESENT),
                                             ("李小红", "sales2", 0, "13900000002", AttendanceStatus.ABSENT),
                                             ("赵小刚", "sales_b", 1, "13900000003", AttendanceStatus.PRESENT)):
        student = create_student(by=users["admin"], campus_id=campuses[campus].id, status=StudentStatus.ACTIVE,
                                 owner_id=users[owner].id, phone=phone, name=name,
                                 parent={"name": f"{name}妈妈", "relationship": "母亲",
                                         "phone": f"137{next(_numbers):08d}"})
        db.session.flush()
        enrollment = create_enrollment(student, course, by=users["admin"], contract_no=f"HT-{name}",
                                       total_fee=Decimal("3000"), lessons_purchased=20, class_group=classes[campus],
                                       enrolled_on=dt.date(2025, 2, 20), paid_amount=Decimal("1000"),
                                       payment_method=PaymentMethod.WECHAT)
        db.session.commit()
        mark_attendance(lessons[campus], student.id, mark, by=users["admin"], today=LESSON_DAY)
        db.session.commit()
        students[name], enrollments[name] = student, enrollment
    return School(course, classes, lessons, students, enrollments)
