"""Finding students and reading their page: filters, search, the low-hours rule, enrolments with balances,
ledger lines and attendance history."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import aliased, joinedload, selectinload

from eduflow.enrollments.ledger import balances
from eduflow.access import scope_clause, scoped
from eduflow.extensions import db
from eduflow.models import (
    Attendance, ClassGroup, Enrollment, EnrollmentStatus, Lesson, LessonLedgerEntry, Parent, Settings, Student,
    StudentNameKey, StudentStatus, User,
)
from eduflow.search import key_range, person_search, phone_clause

SORTS = {
    "newest": (Student.created_at.desc(), Student.id.desc()),
    "oldest": (Student.created_at, Student.id),
    "name": (Student.name_pinyin, Student.id),
}
DEFAULT_LOW_HOURS = Settings.__table__.c.low_hours_threshold.default.arg


@dataclass
class StudentFilters:
    status: StudentStatus | None = None
    campus_id: int | None = None
    class_id: int | None = None
    owner_id: int | None = None
    low_hours: bool = False
    q: str = ""
    sort: str = "newest"


def student_search_clause(q: str):
    """Students by their own name (eduflow.search.person_search, as leads: part of the name, its pinyin in any
    reading of the surname, the given name alone, each a range of the name keys) or phone, or by a parent's phone
    (the parent is usually the one calling)."""
    q = (q or "").strip()
    named = select(StudentNameKey.student_id).where(key_range(StudentNameKey.key, q)) if q else None
    own = person_search(Student, q, named)
    by_parent = phone_clause(Parent, q)
    if own is None or by_parent is None:
        return own
    return or_(own, Student.id.in_(select(Parent.student_id).where(by_parent)))


def low_hours_clause():
    """Students with an active enrolment whose ledger sum is at or below their campus's low-hours threshold."""
    learner = aliased(Student)
    remaining = (select(func.coalesce(func.sum(LessonLedgerEntry.units), 0))
                 .where(LessonLedgerEntry.enrollment_id == Enrollment.id).scalar_subquery())
    own = select(Settings.low_hours_threshold).where(Settings.campus_id == learner.campus_id).scalar_subquery()
    default = (select(Settings.low_hours_threshold).where(Settings.campus_id.is_(None))
               .order_by(Settings.id).limit(1).scalar_subquery())
    low = (select(Enrollment.student_id).join(learner, learner.id == Enrollment.student_id)
           .where(Enrollment.status == EnrollmentStatus.ACTIVE,
                  remaining <= func.coalesce(own, default, DEFAULT_LOW_HOURS)))
    return Student.id.in_(low)


def in_class_clause(class_id: int):
    return Student.id.in_(select(Enrollment.student_id).where(Enrollment.class_id == class_id,
                                                              Enrollment.status == EnrollmentStatus.ACTIVE))


def filtered_students(user: User, filters: StudentFilters) -> Select:
    """The user's students (scope applied) narrowed by the filters, in the chosen order."""
    conditions = [
        filters.status is not None and Student.status == filters.status,
        filters.campus_id is not None and Student.campus_id == filters.campus_id,
        filters.class_id is not None and in_class_clause(filters.class_id),
        filters.owner_id is not None and Student.owner_id == filters.owner_id,
        filters.low_hours and low_hours_clause(),
        student_search_clause(filters.q) if filters.q else None,
    ]
    query = scoped(Student, user).options(selectinload(Student.owner), selectinload(Student.campus))
    for condition in conditions:
        if condition is not False and condition is not None:
            query = query.where(condition)
    return query.order_by(*SORTS.get(filters.sort, SORTS["newest"]))


@dataclass(frozen=True)
class ListSummary:
    """What a list row shows beside the student: active classes and lessons remaining."""

    classes: list[str]
    remaining: int | None


def list_summaries(student_ids: list[int]) -> dict[int, ListSummary]:
    """Active classes and remaining lessons of a page of students, in two queries."""
    rows = db.session.execute(
        select(Enrollment.id, Enrollment.student_id, ClassGroup.name)
        .outerjoin(ClassGroup, ClassGroup.id == Enrollment.class_id)
        .where(Enrollment.student_id.in_(student_ids), Enrollment.status == EnrollmentStatus.ACTIVE)
        .order_by(Enrollment.id)).all()
    left = balances([row.id for row in rows])
    classes: dict[int, list[str]] = {}
    remaining: dict[int, int] = {}
    for enrollment_id, student_id, class_name in rows:
        classes.setdefault(student_id, []).extend([class_name] if class_name else [])
        remaining[student_id] = remaining.get(student_id, 0) + left[enrollment_id]
    return {sid: ListSummary(classes.get(sid, []), remaining.get(sid)) for sid in student_ids}


@dataclass(frozen=True)
class EnrollmentRow:
    enrollment: Enrollment
    paid: Decimal  # payments received, refunds not subtracted
    refunded: Decimal
    remaining: int  # the ledger sum

    @property
    def outstanding(self) -> Decimal:
        if self.enrollment.status == EnrollmentStatus.REFUNDED:
            return Decimal("0.00")
        return max(self.enrollment.total_fee - self.paid, Decimal("0.00"))


def enrollment_rows(student_id: int) -> list[EnrollmentRow]:
    """The student's enrolments, newest first, with paid, refunded, outstanding and the ledger balance."""
    enrollments = list(db.session.scalars(
        select(Enrollment).where(Enrollment.student_id == student_id)
        .options(selectinload(Enrollment.payments), joinedload(Enrollment.course),
                 joinedload(Enrollment.class_group))
        .order_by(Enrollment.enrolled_on.desc(), Enrollment.id.desc())))
    left = balances([e.id for e in enrollments])
    return [EnrollmentRow(e, sum((p.amount for p in e.payments if not p.is_refund), Decimal("0.00")),
                          sum((p.amount for p in e.payments if p.is_refund), Decimal("0.00")), left[e.id])
            for e in enrollments]


@dataclass(frozen=True)
class LedgerLine:
    entry: LessonLedgerEntry
    attendance: Attendance | None
    balance_after: int


def ledger_lines(enrollment_id: int) -> list[LedgerLine]:
    """Every ledger row of an enrolment, newest first, with its lesson, attendance mark and running balance."""
    rows = db.session.execute(
        select(LessonLedgerEntry, Attendance)
        .outerjoin(Attendance, Attendance.id == LessonLedgerEntry.attendance_id)
        .where(LessonLedgerEntry.enrollment_id == enrollment_id)
        .options(joinedload(LessonLedgerEntry.lesson).joinedload(Lesson.class_group),
                 joinedload(LessonLedgerEntry.lesson).joinedload(Lesson.teacher),
                 joinedload(LessonLedgerEntry.created_by), joinedload(Attendance.recorded_by))
        .order_by(LessonLedgerEntry.created_at, LessonLedgerEntry.id)).all()
    lines, running = [], 0
    for entry, attendance in rows:
        running += entry.units
        lines.append(LedgerLine(entry, attendance, running))
    return lines[::-1]


def attendance_history(student_id: int, user: User) -> Select:
    """The student's attendance marks the user may see, latest lesson first. The scope is the joined lesson's
    (what scope_clause(Attendance) means), so the plan starts from the student's few marks, not the campus's
    lessons."""
    return (select(Attendance).join(Lesson, Lesson.id == Attendance.lesson_id)
            .where(Attendance.student_id == student_id, scope_clause(Lesson, user))
            .options(joinedload(Attendance.lesson).joinedload(Lesson.class_group),
                     joinedload(Attendance.lesson).joinedload(Lesson.teacher), joinedload(Attendance.recorded_by))
            .order_by(Lesson.lesson_date.desc(), Lesson.start_time.desc(), Attendance.id.desc()))
