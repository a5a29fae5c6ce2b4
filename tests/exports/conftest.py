"""A small school on two campuses to export: leads, students with a parent, an enrolment per student in a class
with a lesson whose attendance is marked (so the ledger has purchase and attendance lines)."""
from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass

import pytest

from eduflow.attendance.services import mark_attendance
from eduflow.extensions import db
from eduflow.models import AttendanceStatus, Course, StudentStatus
from eduflow.students.services import create_student
from tests import factories

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
def make_lead(make_lead):
    """tests/conftest.py's make_lead, each lead with a phone number of its own unless given one."""

    def make(name="张三", phone=None, **fields):
        return make_lead(name, phone=phone or f"138{next(_numbers):08d}", **fields)

    return make


@pytest.fixture
def school(campuses, users) -> School:
    """Campus one: 王小明 (owner sales) and 李小红 (owner sales2) in 英语一班; campus two: 赵小刚 in 英语二班.
    Each enrolled for 20 lessons at 3000 yuan, 1000 paid; 王小明 and 赵小刚 present, 李小红 absent."""
    course = factories.make_course()
    classes, lessons = [], []
    for n, (campus, teacher) in enumerate(((campuses[0], "teacher"), (campuses[1], "teacher_b")), start=1):
        group = factories.make_class(course, campus, name=f"英语{'一二'[n - 1]}班", head=users[teacher])
        classes.append(group)
        lessons.append(factories.make_lesson(group, LESSON_DAY, start=dt.time(18, 0), teacher=users[teacher]))
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
        enrollment = factories.enroll(student, course, by=users["admin"], group=classes[campus], paid="1000",
                                      contract_no=f"HT-{name}", enrolled_on=dt.date(2025, 2, 20))
        db.session.commit()
        mark_attendance(lessons[campus], student.id, mark, by=users["admin"], today=LESSON_DAY)
        db.session.commit()
        students[name], enrollments[name] = student, enrollment
    return School(course, classes, lessons, students, enrollments)
