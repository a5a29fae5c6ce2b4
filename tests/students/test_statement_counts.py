"""A student's page (with its timeline's first page) and ledger cost the same few statements however long their history: 3 marks or 30."""
from __future__ import annotations

import datetime as dt

from eduflow.attendance.services import mark_attendance
from eduflow.extensions import db
from eduflow.models import AttendanceStatus
from tests.statements import counted


def _history(size: int, users, make_student, make_class, make_lesson, enroll):
    group = make_class(f"{size}节班")
    student = make_student(f"学员{size}")
    enrollment = enroll(student, class_group=group, lessons=size + 5)
    for n in range(size):
        lesson = make_lesson(group, day=dt.date(2025, 3, 1) + dt.timedelta(days=n))
        mark_attendance(lesson, student.id, AttendanceStatus.PRESENT, by=users["manager"], today=lesson.lesson_date)
        db.session.commit()
    return student.id, enrollment.id


def _cost(client, path: str) -> int:
    with counted() as statements:
        assert client.get(path).status_code == 200
    return len(statements)


def test_the_student_page_and_its_ledger_cost_the_same_for_3_and_30_marks(client, login_as, users, make_student,
                                                                         make_class, make_lesson, enroll):
    histories = [_history(size, users, make_student, make_class, make_lesson, enroll) for size in (3, 30)]
    login_as("manager")
    costs = [(_cost(client, f"/students/{student}"),
              _cost(client, f"/students/{student}/enrollments/{enrollment}/ledger")) for student, enrollment in histories]
    assert costs[0] == costs[1], costs
