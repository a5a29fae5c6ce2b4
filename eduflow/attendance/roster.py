"""Who is on a lesson's attendance sheet (with marks and balances), makeup targets, and the day's lessons."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from flask import abort
from sqlalchemy import and_, exists, func, Integer, literal, or_, select, union, union_all
from sqlalchemy.orm import aliased, joinedload, load_only

from eduflow.enrollments.ledger import BOUGHT, GIFT, Pools
from eduflow.access import is_teacher, scoped, taught_lessons
from eduflow.extensions import db
from eduflow.models import (
    Attendance, AttendanceStatus, ClassGroup, Enrollment, EnrollmentStatus, Lead, Lesson, LessonLedgerEntry, Makeup,
    MakeupStatus, Settings, Student, TrialLesson, User,
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


def _pick(enrollments: list[Enrollment], remaining: dict[int, int]) -> int:
    """The enrolment a new mark draws on: the oldest that still has lessons, else the newest."""
    return next((e.id for e in enrollments if remaining.get(e.id, 0) > 0), enrollments[-1].id)


@dataclass
class Sheet:
    """A lesson's sheet as read in one go: the rows, and the ledger figures a mark is settled against.

    `pools`: the remainders of the enrolments the rows draw on (the class's, the makeups', the marks'); `taken`: for
    this lesson's marks and the marks of makeups booked for them, (ledger rows, units taken per pool, positive);
    `made_up`: per makeup booked for one of this lesson's missed marks, the mark of the makeup lesson (if taken)."""

    lesson: Lesson
    rows: list[RosterRow]
    pools: dict[int, Pools]
    taken: dict[int, tuple[int, Pools]]
    made_up: dict[int, Attendance]

    def row_of(self, student_id: int) -> RosterRow | None:
        return next((row for row in self.rows if row.student.id == student_id), None)

    def balance(self, enrollment_id: int) -> int:
        return self.pools.get(enrollment_id, Pools()).total


# What the sheet and its marks read of a student (its row, 休学, the reminder's owner, the rollup's campus): the
# encrypted columns (phone, e-mail, ID card) are neither read nor decrypted.
SHEET_STUDENT = (Student.id, Student.name, Student.status, Student.campus_id, Student.owner_id, Student.suspended_from,
                 Student.returns_on, Student.deleted_at)


def sheet_students(lesson: Lesson, marked: bool = False):
    """The ids of the students on the lesson's sheet, as one UNION of three index ranges: those actively enrolled in
    the class, those booked into the lesson for a makeup and (`marked`) those with a mark on it. The planner sees a
    few dozen students, so everything joined to them is looked up by index, never scanned."""
    parts = [select(Enrollment.student_id).where(Enrollment.class_id == lesson.class_id,
                                                 Enrollment.status == EnrollmentStatus.ACTIVE),
             select(Makeup.student_id).where(Makeup.lesson_id == lesson.id, Makeup.status.in_(OPEN_MAKEUPS))]
    if marked:
        parts.append(select(Attendance.student_id).where(Attendance.lesson_id == lesson.id))
    return union(*parts)


def _people(lesson: Lesson):
    """Everyone on the sheet with their active enrolments in the class, their mark, the makeup they came to this
    lesson for and the makeup booked for their missed mark (with its lesson's mark): one query."""
    into, booked, made_up = aliased(Makeup), aliased(Makeup), aliased(Attendance)
    in_class = and_(Enrollment.student_id == Student.id, Enrollment.class_id == lesson.class_id,
                    Enrollment.status == EnrollmentStatus.ACTIVE)
    on_sheet = sheet_students(lesson, marked=True).subquery()
    query = (
        select(Student, Enrollment, Attendance, into, booked, made_up)
        .select_from(on_sheet).join(Student, Student.id == on_sheet.c.student_id)  # the few students first
        .outerjoin(Enrollment, in_class)
        .outerjoin(Attendance, and_(Attendance.lesson_id == lesson.id, Attendance.student_id == Student.id))
        .outerjoin(into, and_(into.lesson_id == lesson.id, into.student_id == Student.id,
                              into.status.in_(OPEN_MAKEUPS)))
        .outerjoin(booked, and_(booked.missed_attendance_id == Attendance.id, booked.status.in_(OPEN_MAKEUPS)))
        # the makeup's own student: the index lookup needs nothing but the makeup, so no makeup costs nothing
        .outerjoin(made_up, and_(made_up.lesson_id == booked.lesson_id, made_up.student_id == booked.student_id))
        .options(load_only(*SHEET_STUDENT),
                 joinedload(into.missed_attendance).joinedload(Attendance.lesson).joinedload(Lesson.class_group),
                 joinedload(booked.lesson).joinedload(Lesson.class_group))
        .order_by(Student.name_pinyin, Student.id, Enrollment.enrolled_on, Enrollment.id, into.id)
        .execution_options(populate_existing=True))
    return db.session.execute(query).unique().all()


def _ledger(enrollment_ids: set[int], mark_ids: set[int]) -> tuple[dict[int, Pools], dict[int, tuple[int, Pools]]]:
    """Remainders per pool of these enrolments and what each of these marks has taken, in one statement: the
    remainders from the (enrolment, pool, units) index alone, never the table; the marks' own few rows by
    attendance_id."""
    entry, parts = LessonLedgerEntry, []
    if enrollment_ids:
        no_mark = literal(None, Integer).label("mark")
        parts.append(select(entry.enrollment_id, entry.pool, no_mark, func.sum(entry.units), func.count())
                     .where(entry.enrollment_id.in_(sorted(enrollment_ids))).group_by(entry.enrollment_id, entry.pool))
    if mark_ids:
        parts.append(select(entry.enrollment_id, entry.pool, entry.attendance_id, func.sum(entry.units), func.count())
                     .where(entry.attendance_id.in_(sorted(mark_ids)))
                     .group_by(entry.enrollment_id, entry.pool, entry.attendance_id))
    if not parts:
        return {}, {}
    pools: dict[int, dict] = {}
    taken: dict[int, dict] = {}
    for enrollment_id, pool, mark_id, units, count in db.session.execute(union_all(*parts) if len(parts) > 1
                                                                         else parts[0]):
        if mark_id is None:
            pools.setdefault(enrollment_id, {BOUGHT: 0, GIFT: 0})[pool] += int(units)
        else:
            counted = taken.setdefault(mark_id, {"rows": 0, BOUGHT: 0, GIFT: 0})
            counted["rows"] += count
            counted[pool] -= int(units)
    return ({e: Pools(bought=p[BOUGHT], gift=p[GIFT]) for e, p in pools.items()},
            {m: (p["rows"], Pools(bought=p[BOUGHT], gift=p[GIFT])) for m, p in taken.items()})


def load_sheet(lesson: Lesson) -> Sheet:
    """The sheet in two queries: the class's actively enrolled students, then makeups booked into the lesson, then
    former students' marks; a student suspended (休学) on the lesson's date stays on it, read-only."""
    enrolled: dict[int, list[Enrollment]] = {}
    students, marks, into, booked, made_up = {}, {}, {}, {}, {}
    for student, enrollment, mark, makeup, booking, booked_mark in _people(lesson):
        students[student.id] = student
        if enrollment is not None and student.deleted_at is None:
            group = enrolled.setdefault(student.id, [])
            if enrollment not in group:
                group.append(enrollment)
        if mark is not None:
            marks[student.id] = mark
        if makeup is not None:
            into.setdefault(student.id, makeup)
        if booking is not None:
            booked[mark.id] = booking
            if booked_mark is not None:
                made_up[booking.id] = booked_mark
    mark_ids = {m.id for m in marks.values()} | {m.id for m in made_up.values()}
    # Every enrolment a row may draw on or settle against: the class's, the makeups', the marks'.
    drawn = ({e.id for group in enrolled.values() for e in group} | {m.enrollment_id for m in into.values()}
             | {m.enrollment_id for m in marks.values()} | {m.enrollment_id for m in made_up.values()}) - {None}
    pools, taken = _ledger(drawn, mark_ids)
    remaining = {e: p.total for e, p in pools.items()}
    rows = []
    for student_id, group in enrolled.items():
        group.sort(key=lambda e: (e.enrolled_on, e.id))
        mark = marks.pop(student_id, None)
        chosen = mark.enrollment_id if mark and mark.enrollment_id else _pick(group, remaining)
        rows.append(RosterRow(students[student_id], chosen, mark))
    for student_id, makeup in sorted(into.items(), key=lambda item: item[1].id):
        if student_id not in enrolled:
            rows.append(RosterRow(students[student_id], makeup.enrollment_id, marks.pop(student_id, None), makeup))
    rows += [RosterRow(students[s], mark.enrollment_id, mark, former=True) for s, mark in sorted(marks.items())]
    for row in rows:
        row.balance = remaining.get(row.enrollment_id, 0) if row.enrollment_id is not None else None
        row.booked_makeup = booked.get(row.attendance.id) if row.attendance else None
        row.suspended = row.student.suspended_on(lesson.lesson_date)
    return Sheet(lesson, rows, pools, taken, made_up)


def roster(lesson: Lesson) -> list[RosterRow]:
    """The class's actively enrolled students, then makeups booked into the lesson, then former students' marks;
    a student suspended (休学) on the lesson's date stays on it, read-only."""
    return load_sheet(lesson).rows


def _teacher_name():
    """A lesson's teacher as the sheet and the day's lessons draw them: the name alone (nothing decrypted)."""
    return joinedload(Lesson.teacher).load_only(User.id, User.display_name)


def lesson_and_settings(lesson_id: int, user: User) -> tuple[Lesson, Settings | None, bool]:
    """The lesson in the user's scope with what its sheet draws (class, course, teacher, room), its campus's
    settings (the campus's own, else the default row: settings_for's rule) and whether any trial lead is booked
    into it, in one query; 404 outside the scope."""
    booked = exists(select(TrialLesson.id).where(TrialLesson.lesson_id == Lesson.id)).label("has_trials")
    found = db.session.execute(
        scoped(Lesson, user).where(Lesson.id == lesson_id).join(ClassGroup, ClassGroup.id == Lesson.class_id)
        .outerjoin(Settings, or_(Settings.campus_id == ClassGroup.campus_id, Settings.campus_id.is_(None)))
        .add_columns(Settings, booked)
        .options(joinedload(Lesson.class_group).joinedload(ClassGroup.course), _teacher_name(),
                 joinedload(Lesson.classroom))).all()
    if not found:
        abort(404)
    candidates = [settings for _, settings, _trials in found if settings is not None]
    chosen = min(candidates, key=lambda s: (s.campus_id is None, s.id), default=None)
    return found[0][0], chosen, bool(found[0][2])


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
        .options(joinedload(Lesson.class_group), _teacher_name())
        .order_by(Lesson.lesson_date, Lesson.start_time, Lesson.id).limit(MAKEUP_CHOICES)))


def _day_query(user: User, day: dt.date):
    query = scoped(Lesson, user).where(Lesson.lesson_date == day)
    if is_teacher(user):  # their own lessons only (access.teaches)
        query = query.where(taught_lessons(user))
    return query.options(joinedload(Lesson.class_group).joinedload(ClassGroup.course), _teacher_name(),
                         joinedload(Lesson.classroom)).order_by(Lesson.start_time, Lesson.id)


def lessons_on(user: User, day: dt.date) -> list[DayLesson]:
    """The user's lessons of the day (a teacher's own; the campus's for other staff) with marked counts;
    students suspended that day are not expected."""
    lessons = list(db.session.scalars(_day_query(user, day)).unique())
    lesson_ids, class_ids = [one.id for one in lessons], {one.class_id for one in lessons}
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
        expected = enrolled.get(lesson.class_id, set()) | {s for on, s in made_up if on == lesson.id}
        summaries.append(DayLesson(lesson, len(expected), sum((lesson.id, s) in marked for s in expected)))
    return summaries
