"""What a parent sees first: each child, the next lesson and the remaining hours per course.

A handful of statements whatever the number of children: the children, their active enrolments, the balances, the
campuses' low-hours thresholds, and the timetable's few (eduflow.parents.timetable) for the coming weeks.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from flask import current_app, url_for
from sqlalchemy import select
from sqlalchemy.orm import joinedload
from werkzeug.routing import BuildError

from eduflow.access.scopes import scoped
from eduflow.enrollments.ledger import balances
from eduflow.extensions import db
from eduflow.i18n import from_utc
from eduflow.models import Enrollment, EnrollmentStatus, Lesson, Settings, Student, utcnow
from eduflow.parents import timetable
from eduflow.parents.timetable import Entry

DEFAULT_LOW_HOURS = Settings.__table__.c.low_hours_threshold.default.arg
HORIZON_WEEKS = 8  # how far ahead the home page looks for the next lesson


@dataclass
class Hours:
    enrollment: Enrollment
    remaining: int
    threshold: int = DEFAULT_LOW_HOURS

    @property
    def owed(self) -> bool:
        """欠课时: the balance went below zero."""
        return self.remaining < 0

    @property
    def low(self) -> bool:
        """At or below the campus's 课时不足 threshold (the renewal reminder's rule)."""
        return self.remaining <= self.threshold

    @property
    def ledger_url(self) -> str | None:
        """The enrolment's 课时明细, once the parent side has that page (area C)."""
        return _hours_link(self.enrollment.id)


@dataclass
class Child:
    student: Student
    hours: list[Hours] = field(default_factory=list)
    next_entry: Entry | None = None

    @property
    def next_lesson(self) -> Lesson | None:
        return self.next_entry.lesson if self.next_entry else None

    @property
    def next_day(self) -> str:
        """The next lesson's day with its weekday (今天/明天 where it applies)."""
        return timetable.day_heading(self.next_lesson.lesson_date) if self.next_entry else ""

    @property
    def timetable_url(self) -> str | None:
        return url_for("parent.timetable", child=self.student.id) if _serves("parent.timetable") else None


def _serves(endpoint: str) -> bool:
    return endpoint in current_app.view_functions


def _hours_link(enrollment_id: int) -> str | None:
    """The enrolment's 课时明细 (parent.hours_detail), else the hours list (parent.hours), once they exist."""
    if _serves("parent.hours_detail"):
        try:
            return url_for("parent.hours_detail", enrollment_id=enrollment_id)
        except BuildError:
            pass
    return url_for("parent.hours") if _serves("parent.hours") else None


def my_children() -> list[Student]:
    """The signed-in parent's children, by name (scope: eduflow.access.scopes.children_of)."""
    return timetable.children()


def low_hours_thresholds(campus_ids: set[int]) -> dict[int, int]:
    """Each campus's 课时不足 threshold (its own settings, else the school's, else the default), in one statement."""
    rows = db.session.execute(select(Settings.campus_id, Settings.low_hours_threshold).where(
        Settings.campus_id.in_(campus_ids) | Settings.campus_id.is_(None)).order_by(Settings.id)).all()
    school = next((value for campus_id, value in rows if campus_id is None), DEFAULT_LOW_HOURS)
    own = {campus_id: value for campus_id, value in rows if campus_id is not None}
    return {campus_id: own.get(campus_id, school) for campus_id in campus_ids}


def children_overview() -> list[Child]:
    """Every child with its active enrolments' remaining hours and its next lesson."""
    children = [Child(student) for student in my_children()]
    by_id = {child.student.id: child for child in children}
    if not by_id:
        return children
    enrollments = list(db.session.scalars(
        scoped(Enrollment).where(Enrollment.student_id.in_(by_id), Enrollment.status == EnrollmentStatus.ACTIVE)
        .options(joinedload(Enrollment.course)).order_by(Enrollment.enrolled_on, Enrollment.id)))
    remaining = balances([enrollment.id for enrollment in enrollments])
    thresholds = low_hours_thresholds({child.student.campus_id for child in children})
    for enrollment in enrollments:
        child = by_id[enrollment.student_id]
        child.hours.append(Hours(enrollment, remaining.get(enrollment.id, 0), thresholds[child.student.campus_id]))
    for entry in upcoming([child.student for child in children]):
        child = by_id[entry.student.id]
        child.next_entry = child.next_entry or entry
    return children


def upcoming(students: list[Student]) -> list[Entry]:
    """The lessons the children are expected at that have not started yet (not on leave, not suspended)."""
    now = from_utc(utcnow())
    first, last = timetable.window(now.date(), HORIZON_WEEKS)
    now = now.replace(microsecond=0)
    return [entry for entry in timetable.entries(students, first, last) if entry.expected and entry.starts >= now]


def lesson_start(lesson: Lesson) -> dt.datetime:
    """When the lesson starts, on the school's clock."""
    return dt.datetime.combine(lesson.lesson_date, lesson.start_time)


__all__ = ["Child", "Hours", "children_overview", "lesson_start", "low_hours_thresholds", "my_children", "upcoming"]
