"""The school reports: lesson consumption and revenue per month, attendance rates, renewal rate, low balances."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    Integer, and_, case, distinct, false, func, literal_column, or_, select, type_coerce, union_all,
)
from sqlalchemy.orm import aliased

from eduflow.extensions import db
from eduflow.models import (
    AttendanceStatus, Campus, ClassGroup, ContractStatus, Course, Enrollment, EnrollmentStatus, LedgerKind,
    LessonLedgerEntry, RenewalReminder, Student,
)
from eduflow.models.base import Money
from eduflow.models.rollups_school import STATUS_FIGURES, UNITS, LessonDay, PaymentDay
from eduflow.reports.scope import Month, ReportScope, month_index, rate, user_names
from eduflow.settings import settings_for

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class MonthRow:
    month: Month
    consumed: int  # 课消: lesson units deducted by attendance (corrections included)
    received: Decimal
    refunded: Decimal

    @property
    def revenue(self) -> Decimal:
        return self.received - self.refunded


def _consumed(scope: ReportScope, months: list[Month]) -> dict[int, int]:
    """Units taken by attendance rows of the ledger (debits and their corrections) of live students in scope, per
    month index: from the daily rollup (kept with every mark and ledger row), the month worked out once a day."""
    days = (select(LessonDay.day.label("day"), func.sum(LessonDay.total).label("units"))
            .where(LessonDay.figure == UNITS, scope.worked_campuses(LessonDay.campus_id),
                   LessonDay.day.between(scope.start, scope.end))
            .group_by(LessonDay.day)).subquery()
    month = month_index(days.c.day, months)
    query = select(month.label("month"), func.sum(days.c.units)).group_by(month)
    return {int(month): -int(units) for month, units in db.session.execute(query)}


def _money(scope: ReportScope, months: list[Month]) -> dict[int, tuple[Decimal, Decimal]]:
    """(received, refunded) per month index; the month is the school's month of the payment's time (the daily
    rollup holds each school day's payments and refunds of a campus's live students)."""
    month = month_index(PaymentDay.day, months)

    def total(refund: int):  # the sum keeps the Money type, so it comes back in yuan
        return type_coerce(func.coalesce(func.sum(case((PaymentDay.refund == refund, PaymentDay.amount), else_=0)), 0),
                           Money)

    query = (select(month.label("month"), total(0), total(1))
             .where(scope.worked_campuses(PaymentDay.campus_id), PaymentDay.day.between(scope.start, scope.end))
             .group_by(month))
    return {int(month): (received, refunded) for month, received, refunded in db.session.execute(query)}


def money_by_month(scope: ReportScope) -> list[MonthRow]:
    """Per month of the period: lesson units consumed (by lesson date) and payments in, refunds out (by time paid)."""
    months = scope.months()
    consumed, money = _consumed(scope, months), _money(scope, months)
    return [MonthRow(month, consumed.get(i, 0), *money.get(i, (ZERO, ZERO))) for i, month in enumerate(months)]


@dataclass(frozen=True)
class AttendanceRow:
    label: str
    detail: str
    marks: int
    present: int
    late: int
    leave: int
    absent: int

    @property
    def rate(self) -> Decimal | None:
        """出勤率: present or late, of every mark."""
        return rate(self.present + self.late, self.marks)


def _attendance_counts(scope: ReportScope) -> list[tuple[int, int, dict[int, int]]]:
    """(class id, teacher id or None, marks per status figure) over lessons held in the period in scope, from the
    daily rollup (kept with every mark): a year is a few thousand rows, not a year of marks."""
    rows = db.session.execute(
        select(LessonDay.class_id, LessonDay.teacher_id, LessonDay.figure, func.sum(LessonDay.total))
        .join(ClassGroup, ClassGroup.id == LessonDay.class_id)
        .where(LessonDay.figure != UNITS, scope.classes(), LessonDay.day.between(scope.start, scope.end))
        .group_by(LessonDay.class_id, LessonDay.teacher_id, LessonDay.figure))
    found: dict[tuple[int, int], dict[int, int]] = {}
    for class_id, teacher_id, figure, n in rows:
        found.setdefault((class_id, teacher_id), {})[figure] = int(n)
    return [(class_id, teacher_id or None, figures) for (class_id, teacher_id), figures in found.items()]


def _status_counts(figures: dict[int, int]) -> list[int]:
    """marks, present, late, leave, absent, in AttendanceRow's order."""
    counts = [figures.get(STATUS_FIGURES[s], 0) for s in (AttendanceStatus.PRESENT, AttendanceStatus.LATE,
                                                           AttendanceStatus.LEAVE, AttendanceStatus.ABSENT)]
    return [sum(counts), *counts]


def _summed(counts, key) -> dict:
    """The figures of `counts` added up per `key(class id, teacher id)`, groups with no marks left out."""
    summed: dict = {}
    for class_id, teacher_id, figures in counts:
        into = summed.setdefault(key(class_id, teacher_id), {})
        for figure, n in figures.items():
            into[figure] = into.get(figure, 0) + n
    return {k: figures for k, figures in summed.items() if any(figures.values())}


def attendance_by_class(scope: ReportScope, counts=None) -> list[AttendanceRow]:
    """Per class: marks on its lessons held in the period and the share present or late."""
    per_class = _summed(counts if counts is not None else _attendance_counts(scope), lambda c, _t: c)
    names = {cid: (name, course) for cid, name, course in db.session.execute(
        select(ClassGroup.id, ClassGroup.name, Course.name).join(Course, Course.id == ClassGroup.course_id)
        .where(ClassGroup.id.in_(sorted(per_class))))} if per_class else {}
    return sorted((AttendanceRow(*names[cid], *_status_counts(figures)) for cid, figures in per_class.items()
                   if cid in names), key=lambda r: (r.label, r.detail))


def attendance_by_teacher(scope: ReportScope, counts=None) -> list[AttendanceRow]:
    """Per teacher of the lesson: the same figures."""
    per_teacher = _summed(counts if counts is not None else _attendance_counts(scope), lambda _c, t: t)
    names = user_names(per_teacher)
    return sorted((AttendanceRow(names.get(teacher) or str(_l("未指定教师")), "", *_status_counts(figures))
                   for teacher, figures in per_teacher.items()), key=lambda r: r.label)


@dataclass(frozen=True)
class RenewalRow:
    label: str
    due: int
    renewed: int

    @property
    def rate(self) -> Decimal | None:
        return rate(self.renewed, self.due)


@dataclass(frozen=True)
class RenewalReport:
    overall: RenewalRow
    by_person: list[RenewalRow]


def _renewal_acts(scope: ReportScope):
    """(enrollment_id, actor_id, renewed) for the enrolments that came due in the period: a due one for the
    salesperson its reminder was assigned to when raised, a renewal for whoever recorded the purchase."""
    due = (select(RenewalReminder.enrollment_id.label("enrollment_id"),
                  func.min(RenewalReminder.reminded_at).label("due_at"))
           .join(Enrollment, Enrollment.id == RenewalReminder.enrollment_id)
           .join(Student, Student.id == Enrollment.student_id)
           .where(scope.worked_students(), scope.during(RenewalReminder.reminded_at))
           .group_by(RenewalReminder.enrollment_id).subquery())
    later = aliased(Enrollment)
    assigned = (select(RenewalReminder.enrollment_id, RenewalReminder.assigned_to_id.label("actor_id"),
                       literal_column("0", Integer).label("renewed"))
                .where(RenewalReminder.enrollment_id.in_(select(due.c.enrollment_id)),
                       scope.during(RenewalReminder.reminded_at)))
    renewed = (select(due.c.enrollment_id, LessonLedgerEntry.created_by_id, literal_column("1", Integer))
               .select_from(due).join(Enrollment, Enrollment.id == due.c.enrollment_id)
               .join(later, and_(later.student_id == Enrollment.student_id, later.course_id == Enrollment.course_id))
               .join(LessonLedgerEntry, LessonLedgerEntry.enrollment_id == later.id)
               .where(LessonLedgerEntry.kind == LedgerKind.PURCHASE, LessonLedgerEntry.created_at > due.c.due_at))
    return union_all(assigned, renewed).subquery()


def renewals(scope: ReportScope) -> RenewalReport:
    """续费率: of the enrolments that came due in the period (a renewal reminder — low hours or contract
    expiry — was raised for them), the share whose student bought lessons of the same course after it.
    Per person: the due enrolments assigned to them or renewed by them, and the renewals they recorded."""
    acts = _renewal_acts(scope)
    figures = [func.count(distinct(acts.c.enrollment_id)),
               func.count(distinct(case((acts.c.renewed == 1, acts.c.enrollment_id))))]
    rows = db.session.execute(select(acts.c.actor_id, *figures).where(
        acts.c.actor_id.is_not(None), scope.actor(acts.c.actor_id)).group_by(acts.c.actor_id)).all()
    due, won = db.session.execute(select(*figures).where(scope.actor(acts.c.actor_id))).one()
    names = user_names(row[0] for row in rows)
    by_person = sorted((RenewalRow(names.get(actor, ""), int(n), int(renewed)) for actor, n, renewed in rows),
                       key=lambda r: (-r.due, r.label))
    return RenewalReport(overall=RenewalRow(str(_l("全部")), int(due), int(won)), by_person=by_person)


@dataclass(frozen=True)
class BalanceRow:
    enrollment_id: int
    student_id: int
    student: str
    course: str
    class_name: str
    owner: str
    remaining: int
    threshold: int


def _thresholds(scope: ReportScope) -> dict[int, int]:
    """The low-hours threshold in force on each campus the report covers."""
    campuses = db.session.scalars(select(Campus.id).where(scope.campuses()))
    return {cid: settings_for(cid).low_hours_threshold for cid in campuses}


def low_balances(scope: ReportScope) -> list[BalanceRow]:
    """Active contracts of students in scope whose lessons remaining are at or below their campus's threshold
    (negative: lessons owed). Today's balances: the report's dates do not apply."""
    thresholds = _thresholds(scope)
    # One enrolment's sum at a time, on the covering (enrollment_id, pool, units) index: never the whole ledger.
    remaining = func.coalesce(select(func.sum(LessonLedgerEntry.units))
                              .where(LessonLedgerEntry.enrollment_id == Enrollment.id)
                              .correlate(Enrollment).scalar_subquery(), 0)
    low = or_(false(), *[and_(Student.campus_id == cid, remaining <= limit) for cid, limit in thresholds.items()])
    rows = db.session.execute(
        select(Enrollment.id, Student.id, Student.name, Course.name, ClassGroup.name, Student.owner_id,
               Student.campus_id, remaining)
        .join(Student, Student.id == Enrollment.student_id).join(Course, Course.id == Enrollment.course_id)
        .outerjoin(ClassGroup, ClassGroup.id == Enrollment.class_id)
        .where(scope.students(), Enrollment.status == EnrollmentStatus.ACTIVE,
               Enrollment.contract_status != ContractStatus.VOID, low)
        .order_by(remaining, Student.name, Enrollment.id)).all()
    names = user_names(row[5] for row in rows)
    return [BalanceRow(eid, sid, student, course, class_name or "", names.get(owner, ""), int(left),
                       thresholds[campus_id])
            for eid, sid, student, course, class_name, owner, campus_id, left in rows]



@dataclass(frozen=True)
class AttendanceReport:
    classes: list[AttendanceRow]
    teachers: list[AttendanceRow]


def attendance(scope: ReportScope) -> AttendanceReport:
    """出勤率 per class and per teacher, over the lessons held in the period."""
    counts = _attendance_counts(scope)
    return AttendanceReport(classes=attendance_by_class(scope, counts), teachers=attendance_by_teacher(scope, counts))
