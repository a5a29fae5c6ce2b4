"""A teacher's week on the dashboard (工作台): their lessons Monday to Sunday, the sheets they have not taken yet,
and the students on leave (请假) from their lessons this week.

"Their lessons" is access's rule (`taught_lessons`: those they teach, a substitute's included, and every lesson of
the classes they head). A sheet is due once its lesson has begun and stays on the list until it has a mark or the
campus's attendance lock closes it (older sheets are a manager's 补录); a lesson nobody is enrolled in has no sheet
to take. Each part is one statement whatever the week holds, so the page's cost never varies.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import and_, exists, func, or_, select
from sqlalchemy.orm import joinedload, load_only

from eduflow.access import scoped, taught_lessons
from eduflow.dashboard.services import LIMIT, SchoolDay, Worklist, worklist
from eduflow.extensions import db
from eduflow.models import (
    Attendance, AttendanceStatus, ClassGroup, Classroom, Enrollment, EnrollmentStatus, Lesson, Makeup, Student, User,
)
from eduflow.settings import settings_for

WEEK_LIMIT = 80  # lessons drawn in the week: a full-time teacher has a few dozen


@dataclass(frozen=True)
class WeekLesson:
    lesson: Lesson
    marks: int
    leaves: int
    due: bool  # begun, nobody marked yet, someone enrolled: the sheet waits to be taken


@dataclass(frozen=True)
class TeacherWeek:
    monday: dt.date
    days: list[tuple[dt.date, list[WeekLesson]]]  # Monday to Sunday, each with its lessons in time order
    untaken: Worklist  # of Lesson, the oldest first
    leaves: Worklist  # of (Attendance, Makeup | None), in lesson order

    @property
    def lessons(self) -> int:
        return sum(len(lessons) for _day, lessons in self.days)


def week_start(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def _begun(day: SchoolDay):
    """Lessons that have started by now on the school's clock."""
    clock = (dt.datetime.min + (day.now - day.start)).time()  # the time of day at school (its midnight is day.start)
    return or_(Lesson.lesson_date < day.date, and_(Lesson.lesson_date == day.date, Lesson.start_time <= clock))


def _enrolled():
    return exists().where(Enrollment.class_id == Lesson.class_id, Enrollment.status == EnrollmentStatus.ACTIVE)


def _unmarked():
    return ~exists().where(Attendance.lesson_id == Lesson.id)


def _drawn():
    """What the week's lists draw of a lesson: times, class and room names."""
    return (load_only(Lesson.id, Lesson.lesson_date, Lesson.start_time, Lesson.end_time, Lesson.class_id,
                      Lesson.classroom_id, Lesson.teacher_id),
            joinedload(Lesson.class_group).load_only(ClassGroup.id, ClassGroup.name),
            joinedload(Lesson.classroom).load_only(Classroom.id, Classroom.name))


def _week_lessons(user: User, day: SchoolDay, monday: dt.date) -> list[tuple[dt.date, list[WeekLesson]]]:
    marks = select(func.count()).where(Attendance.lesson_id == Lesson.id).correlate(Lesson).scalar_subquery()
    leaves = (select(func.count()).where(Attendance.lesson_id == Lesson.id, Attendance.status == AttendanceStatus.LEAVE)
              .correlate(Lesson).scalar_subquery())
    due = and_(_begun(day), _enrolled(), _unmarked())
    query = (scoped(Lesson, user).where(taught_lessons(user), Lesson.lesson_date.between(monday, monday + dt.timedelta(6)))
             .add_columns(marks, leaves, due).options(*_drawn())
             .order_by(Lesson.lesson_date, Lesson.start_time, Lesson.id).limit(WEEK_LIMIT))
    by_day: dict[dt.date, list[WeekLesson]] = {monday + dt.timedelta(n): [] for n in range(7)}
    for lesson, marked, on_leave, waiting in db.session.execute(query).unique():
        by_day[lesson.lesson_date].append(WeekLesson(lesson, marked or 0, on_leave or 0, bool(waiting)))
    return list(by_day.items())


def untaken_sheets(user: User, day: SchoolDay, limit: int = LIMIT) -> Worklist:
    """The teacher's lessons begun and still open to marking (the campus's lock), with students and no mark yet."""
    lock_days = settings_for(user.campus_id).attendance_lock_days
    query = (scoped(Lesson, user).where(taught_lessons(user), _begun(day), _enrolled(), _unmarked(),
                                        Lesson.lesson_date >= day.date - dt.timedelta(days=lock_days))
             .options(*_drawn()).order_by(Lesson.lesson_date, Lesson.start_time, Lesson.id))
    return worklist(query, limit)


def week_leaves(user: User, monday: dt.date, limit: int = LIMIT) -> Worklist:
    """Students marked 请假 on the teacher's lessons this week, with the makeup booked for each (if any)."""
    query = (select(Attendance, Makeup).join(Lesson, Lesson.id == Attendance.lesson_id)
             .outerjoin(Makeup, Makeup.missed_attendance_id == Attendance.id)
             .where(Lesson.id.in_(scoped(Lesson, user).where(taught_lessons(user)).with_only_columns(Lesson.id)),
                    Attendance.status == AttendanceStatus.LEAVE,
                    Lesson.lesson_date.between(monday, monday + dt.timedelta(6)))
             .options(load_only(Attendance.id, Attendance.lesson_id, Attendance.student_id, Attendance.status),
                      joinedload(Attendance.student).load_only(Student.id, Student.name),
                      joinedload(Attendance.lesson).options(*_drawn()),
                      load_only(Makeup.id, Makeup.lesson_id, Makeup.status))
             .order_by(Lesson.lesson_date, Lesson.start_time, Attendance.id))
    counted = select(func.count()).select_from(query.order_by(None).with_only_columns(Attendance.id).subquery())
    rows = db.session.execute(query.add_columns(counted.scalar_subquery()).limit(limit)).unique().all()
    return Worklist(items=[(row[0], row[1]) for row in rows], total=rows[0][2] if rows else 0)


def teacher_week(user: User, day: SchoolDay) -> TeacherWeek:
    """The week the school's today falls in, as the teacher's dashboard draws it."""
    monday = week_start(day.date)
    return TeacherWeek(monday, _week_lessons(user, day, monday), untaken_sheets(user, day), week_leaves(user, monday))
