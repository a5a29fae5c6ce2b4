"""Who is on a lesson's attendance sheet (with marks and balances), makeup targets, and the day's lessons."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload

from eduflow.academics.ledger import balances
from eduflow.access import scoped
from eduflow.extensions import db
from eduflow.models import (
    Attendance, AttendanceStatus, ClassGroup, Enrollment, EnrollmentStatus, Lead, Lesson, Makeup, MakeupStatus, Role,
    Student, TrialLesson, User,
)

OPEN_MAKEUPS = (MakeupStatus.BOOKED, MakeupStatus.ATTENDED)
MAKEUP_CHOICES = 30  # upcoming lessons offered in the makeup select


@dataclass
class RosterRow:
    """One student on the sheet: the enrolment their lessons come from, their mark and balance."""

    student: Student
    enrollment_id: int | None
    attendance: Attendance | None = None
    makeup: Makeup | None = None  # this row is a makeup booked into the lesson
    booked_makeup: Makeup | None = None  # the makeup booked elsewhere for this row's missed mark
    balance: int | None = None
    former: bool = False  # marked here, but no longer actively enrolled in the class: read-only
    suspended: bool = False  # 休学 on the lesson's date: greyed, read-only, nothing deducted

    @property
    def markable(self) -> bool:
        return not self.former and not self.suspended and self.enrollment_id is not None

    @property
    def status(self) -> AttendanceStatus | None:
        return self.attendance.status if self.attendance else None


@dataclass(frozen=True)
class DayLesson:
    """A lesson of the day with how many of its roster are marked."""

    lesson: Lesson
    expected: int
    marked: int

    @property
    def unmarked(self) -> int:
        return self.expected - self.marked


def _enrolled(lesson: Lesson) -> dict[int, list[Enrollment]]:
    """Active enrolments in the lesson's class, per student, students in name order."""
    query = (select(Enrollment).join(Student, Student.id == Enrollment.student_id)
             .where(Enrollment.class_id == lesson.class_id, Enrollment.status == EnrollmentStatus.ACTIVE,
                    Student.deleted_at.is_(None))
             .options(joinedload(Enrollment.student))
             .order_by(Student.name_pinyin, Student.id, Enrollment.enrolled_on, Enrollment.id))
    grouped: dict[int, list[Enrollment]] = {}
    for enrollment in db.session.scalars(query):
        grouped.setdefault(enrollment.student_id, []).append(enrollment)
    return grouped


def _pick(enrollments: list[Enrollment], remaining: dict[int, int]) -> int:
    """The enrolment a new mark draws on: the oldest that still has lessons, else the newest."""
    return next((e.id for e in enrollments if remaining[e.id] > 0), enrollments[-1].id)


def _makeups_into(lesson: Lesson) -> list[Makeup]:
    return list(db.session.scalars(
        select(Makeup).where(Makeup.lesson_id == lesson.id, Makeup.status.in_(OPEN_MAKEUPS))
        .options(joinedload(Makeup.student), joinedload(Makeup.missed_attendance).joinedload(Attendance.lesson))
        .order_by(Makeup.id)))


def _makeups_for(attendance_ids: list[int]) -> dict[int, Makeup]:
    """The open makeup booked for each missed mark."""
    if not attendance_ids:
        return {}
    found = db.session.scalars(
        select(Makeup).where(Makeup.missed_attendance_id.in_(attendance_ids), Makeup.status.in_(OPEN_MAKEUPS))
        .options(joinedload(Makeup.lesson).joinedload(Lesson.class_group)))
    return {makeup.missed_attendance_id: makeup for makeup in found}


def roster(lesson: Lesson) -> list[RosterRow]:
    """The class's actively enrolled students, then makeups booked into the lesson, then former students' marks;
    a student suspended (休学) on the lesson's date stays on it, read-only."""
    marks = {mark.student_id: mark for mark in db.session.scalars(
        select(Attendance).where(Attendance.lesson_id == lesson.id).options(joinedload(Attendance.student)))}
    enrolled, makeups = _enrolled(lesson), _makeups_into(lesson)
    ids = {e.id for group in enrolled.values() for e in group} | {m.enrollment_id for m in makeups}
    remaining = balances(sorted(ids | {m.enrollment_id for m in marks.values() if m.enrollment_id}))
    rows = []
    for student_id, group in enrolled.items():
        mark = marks.pop(student_id, None)
        chosen = mark.enrollment_id if mark and mark.enrollment_id else _pick(group, remaining)
        rows.append(RosterRow(group[0].student, chosen, mark))
    for makeup in makeups:
        if makeup.student_id not in enrolled:
            rows.append(RosterRow(makeup.student, makeup.enrollment_id, marks.pop(makeup.student_id, None), makeup))
    rows += [RosterRow(mark.student, mark.enrollment_id, mark, former=True) for mark in marks.values()]
    booked = _makeups_for([row.attendance.id for row in rows if row.attendance])
    for row in rows:
        row.balance = remaining.get(row.enrollment_id)
        row.booked_makeup = booked.get(row.attendance.id) if row.attendance else None
        row.suspended = row.student.suspended_on(lesson.lesson_date)
    return rows


def roster_row(lesson: Lesson, student_id: int) -> RosterRow | None:
    """One student's row on the sheet, or None if they are not on it."""
    return next((row for row in roster(lesson) if row.student.id == student_id), None)


def trials(lesson: Lesson) -> list[TrialLesson]:
    """Leads booked into the lesson for a trial (试听)."""
    return list(db.session.scalars(
        select(TrialLesson).join(Lead, Lead.id == TrialLesson.lead_id)
        .where(TrialLesson.lesson_id == lesson.id, Lead.deleted_at.is_(None))
        .options(joinedload(TrialLesson.lead)).order_by(TrialLesson.id)))


def trial_of(lesson: Lesson, trial_id: int) -> TrialLesson | None:
    return next((trial for trial in trials(lesson) if trial.id == trial_id), None)


def makeup_targets(lesson: Lesson, today: dt.date) -> list[Lesson]:
    """Upcoming lessons of other classes of the same course on the campus, soonest first."""
    group = lesson.class_group
    return list(db.session.scalars(
        select(Lesson).join(ClassGroup, ClassGroup.id == Lesson.class_id)
        .where(ClassGroup.course_id == group.course_id, ClassGroup.campus_id == group.campus_id,
               Lesson.class_id != lesson.class_id, Lesson.lesson_date >= today)
        .options(joinedload(Lesson.class_group), joinedload(Lesson.teacher))
        .order_by(Lesson.lesson_date, Lesson.start_time, Lesson.id).limit(MAKEUP_CHOICES)))


def _day_query(user: User, day: dt.date):
    query = scoped(Lesson, user).where(Lesson.lesson_date == day)
    if user.role == Role.TEACHER:  # their own: lessons they teach and lessons of classes they head
        headed = select(ClassGroup.id).where(ClassGroup.head_teacher_id == user.id)
        query = query.where(or_(Lesson.teacher_id == user.id, Lesson.class_id.in_(headed)))
    return query.options(joinedload(Lesson.class_group).joinedload(ClassGroup.course), joinedload(Lesson.teacher),
                         joinedload(Lesson.classroom)).order_by(Lesson.start_time, Lesson.id)


def lessons_on(user: User, day: dt.date) -> list[DayLesson]:
    """The user's lessons of the day (a teacher's own; the campus's for other staff) with marked counts;
    students suspended that day are not expected."""
    lessons = list(db.session.scalars(_day_query(user, day)).unique())
    lesson_ids, class_ids = [l.id for l in lessons], {l.class_id for l in lessons}
    enrolled: dict[int, set[int]] = {}
    for class_id, student_id in db.session.execute(
            select(Enrollment.class_id, Enrollment.student_id).join(Student, Student.id == Enrollment.student_id)
            .where(Enrollment.class_id.in_(class_ids), Enrollment.status == EnrollmentStatus.ACTIVE,
                   Student.deleted_at.is_(None), ~Student.suspended_on(day))):
        enrolled.setdefault(class_id, set()).add(student_id)
    made_up = db.session.execute(select(Makeup.lesson_id, Makeup.student_id).join(
        Student, Student.id == Makeup.student_id).where(
        Makeup.lesson_id.in_(lesson_ids), Makeup.status.in_(OPEN_MAKEUPS), ~Student.suspended_on(day))).all()
    marked = set(db.session.execute(select(Attendance.lesson_id, Attendance.student_id).where(
        Attendance.lesson_id.in_(lesson_ids))).all())
    summaries = []
    for lesson in lessons:
        expected = enrolled.get(lesson.class_id, set()) | {s for l, s in made_up if l == lesson.id}
        summaries.append(DayLesson(lesson, len(expected), sum((lesson.id, s) in marked for s in expected)))
    return summaries
