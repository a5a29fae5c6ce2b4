"""A parent's timetable (课表): the children's lessons in a window of days, each with that child's status on it.

A child goes to the lessons of the classes of its active enrolments (from the day it enrolled), to the lessons it
is booked into as a makeup (补课), and to any lesson it was marked on. The status shown is the sheet's mark if
there is one, else 请假 when a leave request stands, else 休学 when the child is suspended that day. The same
few statements answer for one child or many: one per kind of record, whatever the number of children or lessons.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from itertools import groupby

from flask_babel import format_date
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from eduflow.access.scopes import scope_clause, scoped
from eduflow.attendance.roster import OPEN_MAKEUPS
from eduflow.extensions import db
from eduflow.i18n import school_today
from eduflow.models import (
    Attendance, AttendanceStatus, ClassGroup, Enrollment, EnrollmentStatus, LeaveRequest, Lesson, Makeup, Student,
)

WEEKS = 4
LEAVE, SUSPENDED = "leave", "suspended"
STATUS_LABELS = {
    AttendanceStatus.PRESENT.value: AttendanceStatus.PRESENT.label,
    AttendanceStatus.LATE.value: AttendanceStatus.LATE.label,
    AttendanceStatus.ABSENT.value: AttendanceStatus.ABSENT.label,
    LEAVE: AttendanceStatus.LEAVE.label,
    SUSPENDED: _l("休学"),
}


@dataclass
class Entry:
    """One lesson of one child, with the child's status on it."""

    lesson: Lesson
    student: Student
    makeup: bool = False  # booked into this lesson as a makeup (补课)
    mark: AttendanceStatus | None = None  # the sheet's mark, once taken
    leave_request: LeaveRequest | None = None  # a standing (not withdrawn) request
    suspended: bool = False  # 休学 on the lesson's day

    @property
    def status(self) -> str | None:
        """出勤/迟到/缺勤/请假 from the sheet, else 请假 asked, else 休学; None: expected as usual."""
        if self.mark is not None:
            return LEAVE if self.mark == AttendanceStatus.LEAVE else self.mark.value
        if self.leave_request is not None:
            return LEAVE
        return SUSPENDED if self.suspended else None

    @property
    def status_label(self) -> str:
        return str(STATUS_LABELS[self.status]) if self.status else ""

    @property
    def expected(self) -> bool:
        """The child is expected at the lesson: neither on leave nor suspended."""
        return self.status not in (LEAVE, SUSPENDED)

    @property
    def starts(self) -> dt.datetime:
        return dt.datetime.combine(self.lesson.lesson_date, self.lesson.start_time)


@dataclass
class Day:
    day: dt.date
    entries: list[Entry]


def children(user=None, child_id: int | None = None) -> list[Student]:
    """The parent's children by name (one, when `child_id` names one of them)."""
    query = scoped(Student, user).options(joinedload(Student.campus)).order_by(Student.name, Student.id)
    if child_id is not None:
        query = query.where(Student.id == child_id)
    return list(db.session.scalars(query))


def entries(students: list[Student], first: dt.date, last: dt.date, user=None) -> list[Entry]:
    """The students' lessons from `first` to `last` (both included), in time order, each with its status."""
    ids = [student.id for student in students]
    if not ids:
        return []
    enrolments = db.session.execute(
        select(Enrollment.student_id, Enrollment.class_id, Enrollment.enrolled_on)
        .where(scope_clause(Enrollment, user), Enrollment.student_id.in_(ids),
               Enrollment.status == EnrollmentStatus.ACTIVE, Enrollment.class_id.is_not(None))).all()
    makeups = select(Makeup.lesson_id, Makeup.student_id).where(Makeup.student_id.in_(ids),
                                                                  Makeup.status.in_(OPEN_MAKEUPS))
    marked = select(Attendance.lesson_id).where(Attendance.student_id.in_(ids))
    lessons = list(db.session.scalars(
        scoped(Lesson, user).where(Lesson.lesson_date.between(first, last),
                                   Lesson.class_id.in_({row.class_id for row in enrolments})
                                   | Lesson.id.in_(makeups.with_only_columns(Makeup.lesson_id)) | Lesson.id.in_(marked))
        .options(joinedload(Lesson.class_group).joinedload(ClassGroup.course),
                 joinedload(Lesson.class_group).joinedload(ClassGroup.campus),
                 joinedload(Lesson.teacher), joinedload(Lesson.classroom))
        .order_by(Lesson.lesson_date, Lesson.start_time, Lesson.id)))
    return _entries(students, lessons, enrolments, makeups, user)


def _entries(students, lessons, enrolments, makeups, user) -> list[Entry]:
    lesson_ids = [lesson.id for lesson in lessons]
    if not lesson_ids:
        return []
    booked = {tuple(row) for row in db.session.execute(makeups.where(Makeup.lesson_id.in_(lesson_ids)))}
    by_student = {student.id: student for student in students}
    marks = {(lesson_id, student_id): status for lesson_id, student_id, status in db.session.execute(
        select(Attendance.lesson_id, Attendance.student_id, Attendance.status)
        .where(Attendance.lesson_id.in_(lesson_ids), Attendance.student_id.in_(by_student)))}
    leaves = {(leave.lesson_id, leave.student_id): leave for leave in db.session.scalars(
        scoped(LeaveRequest, user).where(LeaveRequest.lesson_id.in_(lesson_ids),
                                         LeaveRequest.student_id.in_(by_student), LeaveRequest.withdrawn_at.is_(None)))}
    found = []
    for lesson in lessons:
        for student in students:
            key = (lesson.id, student.id)
            member = any(row.student_id == student.id and row.class_id == lesson.class_id
                         and row.enrolled_on <= lesson.lesson_date for row in enrolments)
            if member or key in booked or key in marks:
                found.append(Entry(lesson, student, makeup=key in booked, mark=marks.get(key),
                                   leave_request=leaves.get(key), suspended=student.suspended_on(lesson.lesson_date)))
    return found


def window(today: dt.date | None = None, weeks: int = WEEKS) -> tuple[dt.date, dt.date]:
    """Today and the next `weeks` weeks (the timetable's days)."""
    today = today or school_today()
    return today, today + dt.timedelta(days=7 * weeks - 1)


def by_day(found: list[Entry]) -> list[Day]:
    """The entries grouped by the lesson's day, in order."""
    return [Day(day, list(group)) for day, group in groupby(found, key=lambda entry: entry.lesson.lesson_date)]


def day_heading(day: dt.date, today: dt.date | None = None) -> str:
    """The day with its weekday, and 今天/明天 where it applies (in the page's language)."""
    today = today or school_today()
    words = {today: _l("今天"), today + dt.timedelta(days=1): _l("明天")}
    text = format_date(day, "MM-dd EEE")
    return f"{words[day]} · {text}" if day in words else text


__all__ = ["Day", "Entry", "LEAVE", "STATUS_LABELS", "SUSPENDED", "WEEKS", "by_day", "children", "day_heading",
           "entries", "window"]
