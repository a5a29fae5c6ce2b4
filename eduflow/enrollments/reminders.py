"""Renewal reminders (续费提醒): the scheduled rule, who sees which reminder, processing and ignoring.

One reminder per *occasion*: low hours once per purchase (a renewal starts a new occasion; going below
zero escalates to urgent), contract expiry once per class end date; never two pending per enrolment and kind.
Reminders pause while the student is 休学: the rule raises none, and pending ones leave the worklists until 复学.
The family hears of each reminder the rule raises, once, and once more when a low-hours one turns urgent
(eduflow.notifications.family_events), in the job's transaction.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import Select, case, func, or_, select
from sqlalchemy.orm import joinedload

from eduflow.access import scope_clause
from eduflow.domain import DomainError, StaleRecord
from eduflow.enrollments.services import lock_enrollment
from eduflow.extensions import db
from eduflow.i18n import school_date
from eduflow.models import (
    Campus, ClassGroup, ContractStatus, Course, Enrollment, EnrollmentStatus, LedgerKind, LessonLedgerEntry, ReminderKind,
    ReminderStatus, RenewalReminder, Settings, Student, User, utcnow,
)
from eduflow.notifications.family_events import Prompt, renewal_prompts
from eduflow.settings import settings_for

DONE = (ReminderStatus.PROCESSED, ReminderStatus.IGNORED)


@dataclass(frozen=True)
class Due:
    """An active enrolment as the rule sees it: its balance, last purchase and class end."""

    enrollment_id: int
    student_id: int
    student_name: str
    owner_id: int | None
    remaining: int
    bought_at: dt.datetime | None
    class_end: dt.date | None
    course: str = ""
    campus_id: int | None = None

    def prompt(self, reminder: RenewalReminder, urgent: bool = False) -> Prompt:
        """What the family hears of the reminder."""
        return Prompt(reminder.id, reminder.kind, self.student_id, self.student_name, self.campus_id,
                      self.enrollment_id, self.course, self.remaining, self.class_end, urgent)


def _due(settings: Settings, today: dt.date, *where) -> list[Due]:
    """Active enrolments at or below the low-hours threshold, or whose class ends within the expiry window,
    of students not suspended today."""
    ledger = (select(LessonLedgerEntry.enrollment_id.label("enrollment_id"),
                     func.sum(LessonLedgerEntry.units).label("remaining"),
                     func.max(case((LessonLedgerEntry.kind == LedgerKind.PURCHASE, LessonLedgerEntry.created_at)))
                     .label("bought_at"))
              .group_by(LessonLedgerEntry.enrollment_id).subquery())
    remaining = func.coalesce(ledger.c.remaining, 0)
    horizon = today + dt.timedelta(days=settings.contract_expiry_days)
    rows = db.session.execute(
        select(Enrollment.id, Student.id, Student.name, Student.owner_id, remaining, ledger.c.bought_at,
               ClassGroup.end_date, Course.name, Student.campus_id)
        .join(Student, Student.id == Enrollment.student_id)
        .join(Course, Course.id == Enrollment.course_id)
        .outerjoin(ClassGroup, ClassGroup.id == Enrollment.class_id)
        .outerjoin(ledger, ledger.c.enrollment_id == Enrollment.id)
        .where(*where, Student.deleted_at.is_(None), ~Student.suspended_on(today),
               Enrollment.status == EnrollmentStatus.ACTIVE,
               Enrollment.contract_status != ContractStatus.VOID,
               or_(remaining <= settings.low_hours_threshold, ClassGroup.end_date.between(today, horizon)))
        .order_by(Enrollment.id))
    return [Due(*row) for row in rows]


def renewal_reminders(campus: Campus, settings: Settings, now: dt.datetime, dry_run: bool) -> list[str]:
    """The job rule: raise low-hours and contract-expiry reminders for the campus's active enrolments."""
    today = school_date(now)
    lines: list[str] = []
    told: list[Prompt] = []
    for due in _due(settings, today, Student.campus_id == campus.id):
        lines.extend(_remind(due, settings, today, now, dry_run, told))
    renewal_prompts(told)
    return lines


def remind_enrollment(enrollment: Enrollment, now: dt.datetime | None = None) -> list[str]:
    """Apply the rule to one enrolment at once (e.g. right after attendance took its balance below zero)."""
    now = now or utcnow()
    settings = settings_for(enrollment.student.campus_id)
    today = school_date(now)
    told: list[Prompt] = []
    lines = [line for due in _due(settings, today, Enrollment.id == enrollment.id)
             for line in _remind(due, settings, today, now, False, told)]
    renewal_prompts(told)
    return lines


def _remind(due: Due, settings: Settings, today: dt.date, now: dt.datetime, dry_run: bool,
            told: list[Prompt]) -> list[str]:
    """Re-check under the enrolment's lock, so a concurrent run that got there first is seen and not repeated;
    what the family is to hear is added to `told`."""
    if not dry_run:
        lock_enrollment(due.enrollment_id)
    existing = db.session.scalars(select(RenewalReminder).where(
        RenewalReminder.enrollment_id == due.enrollment_id).order_by(RenewalReminder.id)).all()
    lines = []
    if due.remaining <= settings.low_hours_threshold:
        lines += _low_hours(due, [r for r in existing if r.kind == ReminderKind.LOW_HOURS], now, dry_run, told)
    if due.class_end is not None and today <= due.class_end <= today + dt.timedelta(days=settings.contract_expiry_days):
        lines += _expiry(due, [r for r in existing if r.kind == ReminderKind.CONTRACT_EXPIRY], now, dry_run, told)
    return lines


def _low_hours(due: Due, existing: list[RenewalReminder], now: dt.datetime, dry_run: bool,
               told: list[Prompt]) -> list[str]:
    urgent = due.remaining < 0
    this_time = [r for r in existing if due.bought_at is None or r.reminded_at >= due.bought_at]
    pending = next((r for r in existing if r.status == ReminderStatus.PENDING), None)
    label = f"renewal-reminder: low hours, enrollment {due.enrollment_id} {due.student_name}, remaining {due.remaining}"
    if pending is not None:
        if not urgent or pending.is_urgent:
            return []
        if not dry_run:
            pending.is_urgent, pending.trigger_value = True, str(due.remaining)
            told.append(due.prompt(pending, urgent=True))
        return [f"{label}, now urgent"]
    if this_time and (not urgent or any(r.is_urgent for r in this_time)):
        return []
    if not dry_run:
        told.append(due.prompt(_add(due, ReminderKind.LOW_HOURS, now, trigger_value=str(due.remaining),
                                    is_urgent=urgent)))
    return [label + (", urgent" if urgent else "")]


def _expiry(due: Due, existing: list[RenewalReminder], now: dt.datetime, dry_run: bool,
            told: list[Prompt]) -> list[str]:
    if any(r.status == ReminderStatus.PENDING or r.due_date == due.class_end for r in existing):
        return []
    if not dry_run:
        told.append(due.prompt(_add(due, ReminderKind.CONTRACT_EXPIRY, now, trigger_value=due.class_end.isoformat(),
                                    due_date=due.class_end)))
    return [f"renewal-reminder: contract expiry, enrollment {due.enrollment_id} {due.student_name}, "
            f"class ends {due.class_end.isoformat()}"]


def _add(due: Due, kind: ReminderKind, now: dt.datetime, **fields) -> RenewalReminder:
    reminder = RenewalReminder(student_id=due.student_id, enrollment_id=due.enrollment_id, kind=kind,
                               assigned_to_id=due.owner_id, status=ReminderStatus.PENDING, reminded_at=now, **fields)
    db.session.add(reminder)
    db.session.flush()
    return reminder


def reminder_scope(user: User):
    """Reminders of students in the user's scope; a salesperson sees only those assigned to them (access.scopes)."""
    return scope_clause(RenewalReminder, user)


def reminders_for(user: User, status: ReminderStatus | None = ReminderStatus.PENDING,
                  kind: ReminderKind | None = None) -> Select:
    """The user's reminders, urgent first, then the longest waiting; pending ones of suspended students wait."""
    paused = RenewalReminder.student_id.in_(select(Student.id).where(Student.suspended_on(school_date(utcnow()))))
    query = select(RenewalReminder).where(reminder_scope(user),
                                          ~(paused & (RenewalReminder.status == ReminderStatus.PENDING))).options(
        joinedload(RenewalReminder.student), joinedload(RenewalReminder.assigned_to),
        joinedload(RenewalReminder.enrollment).joinedload(Enrollment.course),
        joinedload(RenewalReminder.enrollment).joinedload(Enrollment.class_group))
    if status is not None:
        query = query.where(RenewalReminder.status == status)
    if kind is not None:
        query = query.where(RenewalReminder.kind == kind)
    return query.order_by(RenewalReminder.is_urgent.desc(), RenewalReminder.reminded_at, RenewalReminder.id)


def process_reminder(reminder: RenewalReminder, action: ReminderStatus, *, by: User, note: str = "") -> None:
    """Mark a pending reminder 已处理 or 已忽略 (ignoring needs a note); of two people at once, the first wins."""
    note = (note or "").strip()
    if action not in DONE:
        raise DomainError(_("不支持的处理方式。"))
    if action == ReminderStatus.IGNORED and not note:
        raise DomainError(_("忽略提醒需要填写备注。"))
    lock_enrollment(reminder.enrollment_id)
    db.session.refresh(reminder)
    if reminder.status != ReminderStatus.PENDING:
        raise StaleRecord(_("该提醒已经处理过了。"))
    _close(reminder, action, by, note)


def _close(reminder: RenewalReminder, status: ReminderStatus, by: User, note: str) -> None:
    reminder.status, reminder.processed_at, reminder.processed_by_id = status, utcnow(), by.id
    reminder.notes = note
    db.session.flush()


def settle_reminders(enrollment: Enrollment, kinds, *, by: User, note: str) -> int:
    """Mark the enrolment's pending reminders of `kinds` processed (a renewal answers them); the caller holds
    the enrolment's lock."""
    pending = db.session.scalars(select(RenewalReminder).where(
        RenewalReminder.enrollment_id == enrollment.id, RenewalReminder.kind.in_(list(kinds)),
        RenewalReminder.status == ReminderStatus.PENDING)).all()
    for reminder in pending:
        _close(reminder, ReminderStatus.PROCESSED, by, note)
    return len(pending)
