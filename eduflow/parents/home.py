"""What a parent sees first: each child, the next lesson and the remaining hours per course."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy.orm import joinedload

from eduflow.access.scopes import scoped
from eduflow.enrollments.ledger import balances
from eduflow.extensions import db
from eduflow.i18n import from_utc
from eduflow.models import ClassGroup, Enrollment, EnrollmentStatus, Lesson, Student, utcnow


@dataclass
class Hours:
    enrollment: Enrollment
    remaining: int


@dataclass
class Child:
    student: Student
    hours: list[Hours] = field(default_factory=list)
    next_lesson: Lesson | None = None


def my_children() -> list[Student]:
    """The signed-in parent's children, by name (scope: eduflow.access.scopes.children_of)."""
    return list(db.session.scalars(scoped(Student).options(joinedload(Student.campus)).order_by(Student.name,
                                                                                                Student.id)))


def children_overview() -> list[Child]:
    """Every child with its active enrolments' remaining hours and its next lesson."""
    children = [Child(student) for student in my_children()]
    by_id = {child.student.id: child for child in children}
    enrollments = list(db.session.scalars(
        scoped(Enrollment).where(Enrollment.student_id.in_(by_id), Enrollment.status == EnrollmentStatus.ACTIVE)
        .options(joinedload(Enrollment.course)).order_by(Enrollment.enrolled_on, Enrollment.id)))
    remaining = balances([enrollment.id for enrollment in enrollments])
    for enrollment in enrollments:
        by_id[enrollment.student_id].hours.append(Hours(enrollment, remaining.get(enrollment.id, 0)))
    for child in children:
        child.next_lesson = next_lesson(child.student.id, [h.enrollment.class_id for h in child.hours])
    return children


def next_lesson(student_id: int, class_ids: list[int | None]) -> Lesson | None:
    """The first lesson of the child's classes that has not started yet."""
    class_ids = [class_id for class_id in class_ids if class_id]
    if not class_ids:
        return None
    now = from_utc(utcnow())
    today, time_now = now.date(), now.time().replace(microsecond=0)
    upcoming = (Lesson.lesson_date > today) | ((Lesson.lesson_date == today) & (Lesson.start_time >= time_now))
    return db.session.scalar(
        scoped(Lesson).where(Lesson.class_id.in_(class_ids), upcoming)
        .options(joinedload(Lesson.class_group).joinedload(ClassGroup.course), joinedload(Lesson.teacher),
                 joinedload(Lesson.classroom))
        .order_by(Lesson.lesson_date, Lesson.start_time, Lesson.id).limit(1))


def lesson_start(lesson: Lesson) -> dt.datetime:
    """When the lesson starts, on the school's clock."""
    return dt.datetime.combine(lesson.lesson_date, lesson.start_time)


__all__ = ["Child", "Hours", "children_overview", "lesson_start", "my_children", "next_lesson"]
