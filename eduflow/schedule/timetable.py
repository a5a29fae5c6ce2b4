"""Reading the schedule: the class list, a class's roster and lessons, and the week timetable (课表).

Everything here is a query in the user's scope; the rules that change classes and lessons are in services.py.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import contains_eager, joinedload

from eduflow.access import is_admin, is_teacher, scope_clause, scoped, teacher_accounts
from eduflow.extensions import db
from eduflow.models import Campus, Classroom, ClassGroup, Enrollment, EnrollmentStatus, Lesson, Student, User

VIEWS = ("campus", "teacher", "classroom")
# Bootstrap's subtle colour pairs: a course keeps its colour on every timetable.
COURSE_COLOURS = ("primary", "success", "warning", "info", "danger", "secondary")


# ---------- classes: the list, a class's roster and lessons ----------

@dataclass(frozen=True)
class ClassFilters:
    q: str = ""
    campus_id: int | None = None
    course_id: int | None = None
    teacher_id: int | None = None
    status: str = "active"  # active (not ended), ended, all


def filtered_classes(user: User, filters: ClassFilters, today: dt.date) -> Select:
    """Classes in the user's scope under the list filters, newest start first."""
    query = scoped(ClassGroup, user).options(joinedload(ClassGroup.course), joinedload(ClassGroup.campus),
                                             joinedload(ClassGroup.head_teacher), joinedload(ClassGroup.classroom))
    if filters.q:
        query = query.where(ClassGroup.name.icontains(filters.q, autoescape=True))
    for column, value in ((ClassGroup.campus_id, filters.campus_id), (ClassGroup.course_id, filters.course_id),
                          (ClassGroup.head_teacher_id, filters.teacher_id)):
        if value is not None:
            query = query.where(column == value)
    if filters.status == "active":
        query = query.where(or_(ClassGroup.end_date.is_(None), ClassGroup.end_date >= today))
    elif filters.status == "ended":
        query = query.where(ClassGroup.end_date < today)
    return query.order_by(ClassGroup.start_date.desc(), ClassGroup.id.desc())


def class_roster(class_group: ClassGroup, user: User) -> list[Enrollment]:
    """The class's active enrolments whose students the user may see (a salesperson: only their own)."""
    query = (select(Enrollment).join(Enrollment.student).options(contains_eager(Enrollment.student))
             .where(Enrollment.class_id == class_group.id, Enrollment.status == EnrollmentStatus.ACTIVE,
                    scope_clause(Student, user))
             .order_by(Student.name_pinyin, Student.id))
    return list(db.session.scalars(query))


def class_lessons(class_group: ClassGroup, user: User, today: dt.date, *, past: bool) -> Select:
    """The class's lessons in the user's scope: upcoming (from today, soonest first) or past (latest first)."""
    query = (select(Lesson).options(joinedload(Lesson.teacher), joinedload(Lesson.classroom))
             .where(Lesson.class_id == class_group.id, scope_clause(Lesson, user)))
    if past:
        return query.where(Lesson.lesson_date < today).order_by(Lesson.lesson_date.desc(), Lesson.start_time.desc())
    return query.where(Lesson.lesson_date >= today).order_by(Lesson.lesson_date, Lesson.start_time)


# ---------- the week timetable ----------

def monday_of(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def course_colour(course_id: int) -> str:
    return COURSE_COLOURS[course_id % len(COURSE_COLOURS)]


def default_view(user: User) -> str:
    """Teachers open their own week; everyone else the campus week."""
    return "teacher" if is_teacher(user) else "campus"


def _campus_filter(user: User, column):
    return [] if is_admin(user) else [column == user.campus_id]


def subjects(user: User, view: str) -> list:
    """Whose week the user may pick in a view: campuses, teachers or classrooms (their campus; admin all)."""
    if view == "campus":
        return list(db.session.scalars(scoped(Campus, user).where(Campus.is_active).order_by(Campus.name)))
    if view == "teacher":
        if is_teacher(user):
            return [user]
        query = select(User).options(joinedload(User.campus)).where(
            teacher_accounts(), User.is_active, *_campus_filter(user, User.campus_id))
        return list(db.session.scalars(query.order_by(User.campus_id, User.display_name)))
    query = select(Classroom).options(joinedload(Classroom.campus)).where(
        Classroom.is_active, *_campus_filter(user, Classroom.campus_id))
    return list(db.session.scalars(query.order_by(Classroom.campus_id, Classroom.name)))


def subject_label(user: User, record) -> str:
    """A picker label; an admin's lists span campuses, so they name the campus too."""
    campus = getattr(record, "campus", None)
    if is_admin(user) and campus is not None and not isinstance(record, Campus):
        return f"{record} · {campus.name}"
    return str(record)


def find_subject(user: User, view: str, ident: int | None):
    """The chosen record (default: the first one, or the user for a teacher); None if it is not the user's to pick."""
    choices = subjects(user, view)
    if ident is None:
        if view == "teacher" and is_teacher(user):
            return user
        if view == "campus" and user.campus_id is not None:
            return next((c for c in choices if c.id == user.campus_id), choices[0] if choices else None)
        return choices[0] if choices else None
    return next((record for record in choices if record.id == ident), None)


def _subject_clause(view: str, subject):
    if view == "campus":
        return Lesson.class_id.in_(select(ClassGroup.id).where(ClassGroup.campus_id == subject.id))
    if view == "teacher":
        return Lesson.teacher_id == subject.id
    return Lesson.classroom_id == subject.id


def week_lessons(user: User, view: str, subject, monday: dt.date) -> list:
    """The week's lessons of the subject that the user may see, in time order, as rows of what a tile shows (id,
    class_id, class_name, course_id, lesson_date, start_time, end_time, teacher_name, classroom_name).

    Rows, not objects: a campus week holds hundreds of lessons, and every ORM object is a reference cycle the
    garbage collector must walk to free (the page's full collections were its slowest requests)."""
    if subject is None:
        return []
    query = (select(Lesson.id, Lesson.class_id, ClassGroup.name.label("class_name"), ClassGroup.course_id,
                    Lesson.lesson_date, Lesson.start_time, Lesson.end_time, User.display_name.label("teacher_name"),
                    Classroom.name.label("classroom_name"))
             .join(ClassGroup, ClassGroup.id == Lesson.class_id)
             .outerjoin(User, User.id == Lesson.teacher_id).outerjoin(Classroom, Classroom.id == Lesson.classroom_id)
             .where(scope_clause(Lesson, user), _subject_clause(view, subject),
                    Lesson.lesson_date.between(monday, monday + dt.timedelta(days=6)))
             .order_by(Lesson.lesson_date, Lesson.start_time, Lesson.id))
    return list(db.session.execute(query))


@dataclass(frozen=True)
class Day:
    date: dt.date
    lessons: list  # week_lessons' rows


@dataclass(frozen=True)
class Week:
    monday: dt.date
    days: list[Day]

    @property
    def previous(self) -> dt.date:
        return self.monday - dt.timedelta(days=7)

    @property
    def next(self) -> dt.date:
        return self.monday + dt.timedelta(days=7)

    @property
    def sunday(self) -> dt.date:
        return self.monday + dt.timedelta(days=6)

    @property
    def lesson_count(self) -> int:
        return sum(len(day.lessons) for day in self.days)


def build_week(monday: dt.date, lessons: list) -> Week:
    """Seven days from Monday, each with its lessons (already in time order)."""
    by_date: dict[dt.date, list[Lesson]] = {}
    for lesson in lessons:
        by_date.setdefault(lesson.lesson_date, []).append(lesson)
    days = [monday + dt.timedelta(days=n) for n in range(7)]
    return Week(monday, [Day(day, by_date.get(day, [])) for day in days])
