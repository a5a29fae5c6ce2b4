"""Attendance rules: who may mark, the lock, each mark's ledger effect and its corrections, makeups, trials.

A mark's ledger effect is recomputed, never patched: the rows with its attendance_id must sum to what
the mark implies now, and any difference is posted as a new row (the first as an attendance debit,
later ones as corrections). Every write first takes the enrolment's row lock, so two devices marking
the same student take turns and the balance always equals what the final marks imply.

A mark that would take a balance below zero (欠课时) is written only when confirmed: unconfirmed, the work is
rolled back and DebtNotConfirmed tells the sheet the balance, which asks once. A student suspended (休学) on
the lesson's date is not marked at all.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Callable

from flask_babel import gettext as _
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from eduflow import audit
from eduflow.academics.ledger import balance, pool_order, post_entry
from eduflow.attendance.roster import OPEN_MAKEUPS, RosterRow, roster, roster_row, trial_of
from eduflow.domain import DomainError, StaleRecord
from eduflow.extensions import db
from eduflow.i18n import school_today
from eduflow.models import (
    Attendance, AttendanceStatus, Enrollment, LedgerKind, Lesson, LessonLedgerEntry, Makeup,
    MakeupStatus, ReminderKind, ReminderStatus, RenewalReminder, Role, Settings, Student, TrialStatus, User,
)
from eduflow.settings import settings_for

ATTENDED = frozenset({AttendanceStatus.PRESENT, AttendanceStatus.LATE})
MISSED = frozenset({AttendanceStatus.LEAVE, AttendanceStatus.ABSENT})
MAY_CORRECT_LOCKED = frozenset({Role.ADMIN, Role.MANAGER})
MAKEUP_BOOKERS = (Role.ADMIN, Role.MANAGER, Role.ACADEMIC)  # the school office arranges makeups, not teachers


class NotYourLesson(DomainError):
    """The user may see the lesson but not mark it."""

    status_code = 403


class NotOnRoster(DomainError):
    status_code = 404


class StudentSuspended(DomainError):
    """休学 on the lesson's date: nothing is marked or deducted."""


@dataclass(frozen=True)
class Owing:
    """A mark that would take the student into 欠课时: their balance before it and the units it takes."""

    student: Student
    status: AttendanceStatus
    balance: int
    units: int

    @property
    def after(self) -> int:
        return self.balance - self.units

    def describe(self) -> str:
        """What the mark would do, in the words the sheet asks with (a balance already below zero is owed)."""
        if self.balance < 0:
            return _("已欠 %(owed)s 课时，记为%(status)s将再扣 %(units)s 课时，共欠 %(total)s 课时。",
                     owed=-self.balance, status=self.status.label, units=self.units, total=-self.after)
        return _("剩余 %(n)s 课时，记为%(status)s将扣 %(units)s 课时，结余 %(after)s，记为欠课时。",
                 n=self.balance, status=self.status.label, units=self.units, after=self.after)


class DebtNotConfirmed(DomainError):
    """Nothing was written: these marks go into 欠课时 and need the user's confirmation first."""

    status_code = 200  # a question for the sheet to show, not an error

    def __init__(self, owing: list[Owing]):
        self.owing = owing
        first = owing[0]
        super().__init__(_("%(name)s：%(what)s", name=first.student.name, what=first.describe()))


@dataclass(frozen=True)
class SheetRules:
    """What one user may do on one lesson's sheet today; `notice` says why it is restricted."""

    permitted: bool  # the user's role and relation to the lesson allow marking it
    locked: bool  # older than the campus's lock setting
    future: bool  # not held yet: only 请假 can be registered
    notice: str | None = None
    overrides_lock: bool = False  # managers and admins
    settings: Settings | None = field(default=None, compare=False)  # the sheet's campus's (what deducts, pool order)

    @property
    def late_entry(self) -> bool:
        """A manager's correction of a locked sheet (补录): allowed, and audited."""
        return self.locked and self.permitted and self.overrides_lock

    @property
    def may_mark(self) -> bool:
        return self.permitted and (not self.locked or self.late_entry)

    def allows(self, status) -> bool:
        return self.may_mark and (not self.future or status == AttendanceStatus.LEAVE)


def sheet_rules(lesson: Lesson, user: User, today: dt.date | None = None) -> SheetRules:
    """Teachers mark their own lessons, academic staff and managers their campus's; old sheets lock."""
    today = today or school_today()
    settings = settings_for(lesson.class_group.campus_id)
    lock_days = settings.attendance_lock_days
    locked, future = (today - lesson.lesson_date).days > lock_days, lesson.lesson_date > today
    overrides = user.role in MAY_CORRECT_LOCKED
    permitted = user.role in (Role.ADMIN, Role.MANAGER, Role.ACADEMIC) or (
        user.role == Role.TEACHER and user.id in (lesson.teacher_id, lesson.class_group.head_teacher_id))
    if not permitted:
        notice = _("只有本节课的授课老师、班主任、教务或校区主管可以考勤。")
    elif locked:
        notice = (_("考勤表已锁定（超过 %(days)s 天）；您的修改将作为补录记入审计日志。", days=lock_days) if overrides
                  else _("考勤表已锁定（超过 %(days)s 天），如需补录请联系校区主管。", days=lock_days))
    else:
        notice = _("课节还没开始，只能登记请假。") if future else None
    return SheetRules(permitted, locked, future, notice, overrides, settings)


def _check(rules: SheetRules, status) -> None:
    if not rules.permitted:
        raise NotYourLesson(rules.notice)
    if not rules.may_mark or not rules.allows(status):
        raise DomainError(rules.notice)


def lock_enrollment(enrollment_id: int) -> None:
    """Hold the enrolment's row lock until commit, so marks drawing on it take turns."""
    if db.session.get_bind().dialect.name == "sqlite":
        # SQLite has no row locks; a write that changes nothing takes its database write lock before anything is read.
        table = Enrollment.__table__
        db.session.execute(update(table).where(table.c.id == enrollment_id).values(updated_at=table.c.updated_at))
    else:
        db.session.execute(select(Enrollment.id).where(Enrollment.id == enrollment_id).with_for_update())


def fresh(statement):
    """Read past the session's identity map: after taking a lock, see what others committed."""
    return db.session.scalar(statement.execution_options(populate_existing=True))


def makeup_into(attendance: Attendance) -> Makeup | None:
    """The makeup this mark is the attendance of, if any."""
    return fresh(select(Makeup).where(Makeup.lesson_id == attendance.lesson_id,
                                      Makeup.student_id == attendance.student_id, Makeup.status.in_(OPEN_MAKEUPS)))


def implied_effect(attendance: Attendance, makeup: Makeup | None = None, settings: Settings | None = None) -> int:
    """Units the mark should have taken from the balance (≤ 0); a makeup pair is paid for exactly once."""
    deducting = (settings or settings_for(attendance.lesson.class_group.campus_id)).deducting
    if makeup is None:
        return -attendance.lesson.units if attendance.status in deducting else 0
    missed = fresh(select(Attendance).where(Attendance.id == makeup.missed_attendance_id))
    if attendance.status not in ATTENDED or missed.status in deducting:
        return 0
    return -missed.lesson.units


def _reason(attendance: Attendance, kind: LedgerKind, makeup: Makeup | None) -> str:
    lesson = attendance.lesson
    where = f"{lesson.lesson_date.isoformat()} {lesson.class_group.name}"
    if makeup is not None:
        where = _("补课 %(where)s", where=where)
    if kind == LedgerKind.CORRECTION:
        return _("考勤更正：%(where)s 改为%(status)s", where=where, status=attendance.status.label)
    return _("考勤：%(where)s %(status)s", where=where, status=attendance.status.label)


def _settle(attendance: Attendance, by: User, makeup: Makeup | None, settings: Settings) -> int:
    """Post the difference between what the mark implies and what its ledger rows already took; returns it.
    The campus settings decide both what deducts and which pool goes first (the sheet's campus is the student's:
    enrolments and makeups stay on it)."""
    count, taken = db.session.execute(
        select(func.count(LessonLedgerEntry.id), func.coalesce(func.sum(LessonLedgerEntry.units), 0))
        .where(LessonLedgerEntry.attendance_id == attendance.id)).one()
    change = implied_effect(attendance, makeup, settings) - int(taken)
    if change:
        kind = LedgerKind.CORRECTION if count else LedgerKind.ATTENDANCE
        post_entry(attendance.enrollment, kind, change, by=by, reason=_reason(attendance, kind, makeup),
                   lesson_id=attendance.lesson_id, attendance_id=attendance.id, attendance_status=attendance.status,
                   order=pool_order(settings))
    return change


def _settle_with_makeups(attendance: Attendance, by: User, settings: Settings) -> int:
    """Settle the mark, and the makeup attendance whose price depends on it (same enrolment, already locked);
    returns the units posted."""
    makeup = makeup_into(attendance)
    if makeup is not None:
        makeup.status = MakeupStatus.ATTENDED if attendance.status in ATTENDED else MakeupStatus.BOOKED
    change = _settle(attendance, by, makeup, settings)
    later = fresh(select(Makeup).where(Makeup.missed_attendance_id == attendance.id, Makeup.status.in_(OPEN_MAKEUPS)))
    if later is not None:
        made_up = fresh(select(Attendance).where(Attendance.lesson_id == later.lesson_id,
                                                 Attendance.student_id == later.student_id))
        if made_up is not None:
            change += _settle(made_up, by, later, settings)
    return change


def _remind_if_owing(enrollment_id: int, remaining: int) -> None:
    """A negative balance raises (or escalates) the enrolment's one pending low-hours reminder, marked urgent."""
    if remaining >= 0:
        return
    pending = db.session.scalar(select(RenewalReminder).where(
        RenewalReminder.enrollment_id == enrollment_id, RenewalReminder.kind == ReminderKind.LOW_HOURS,
        RenewalReminder.status == ReminderStatus.PENDING).order_by(RenewalReminder.id).limit(1))
    if pending is None:
        enrollment = db.session.get(Enrollment, enrollment_id)
        db.session.add(RenewalReminder(
            student_id=enrollment.student_id, enrollment_id=enrollment_id, kind=ReminderKind.LOW_HOURS,
            trigger_value=str(remaining), due_date=school_today(), assigned_to_id=enrollment.student.owner_id,
            is_urgent=True))
    elif not pending.is_urgent or pending.trigger_value != str(remaining):
        pending.is_urgent, pending.trigger_value = True, str(remaining)


def _mark_one(lesson: Lesson, row: RosterRow, status: AttendanceStatus, by: User, rules: SheetRules,
              owing: list[Owing] | None, only_if_unmarked: bool = False) -> Attendance | None:
    """Lock, re-read, write the mark and settle its ledger effect; None when there was nothing to do.
    With `owing` (not confirmed), a mark that takes the balance below zero is listed there."""
    lock_enrollment(row.enrollment_id)
    attendance = fresh(select(Attendance).where(Attendance.lesson_id == lesson.id,
                                                Attendance.student_id == row.student.id))
    if attendance is not None and (only_if_unmarked or attendance.status == status):
        return None
    old = attendance.status if attendance else None
    if attendance is None:
        attendance = Attendance(lesson_id=lesson.id, student_id=row.student.id, enrollment_id=row.enrollment_id)
        db.session.add(attendance)
    elif attendance.enrollment_id != row.enrollment_id:
        lock_enrollment(attendance.enrollment_id)
    attendance.status, attendance.recorded_by_id = status, by.id
    db.session.flush()
    if rules.late_entry:
        audit.record("attendance_correction", "attendance", attendance.id,
                     {"status": [old.value if old else None, status.value], "late_entry": True})
    moved = _settle_with_makeups(attendance, by, rules.settings)
    after = balance(attendance.enrollment_id)
    if owing is not None and after < 0 and moved < 0:
        owing.append(Owing(row.student, status, after - moved, -moved))
    _remind_if_owing(attendance.enrollment_id, after)
    return attendance


def _unless_owing(owing: list[Owing]) -> None:
    """Unconfirmed marks into 欠课时: undo everything and ask."""
    if owing:
        db.session.rollback()
        raise DebtNotConfirmed(owing)


def _retrying(work: Callable):
    """Run `work`; when a concurrent request inserted the same mark first, roll back and run it once more."""
    for attempt in (1, 2):
        try:
            return work()
        except IntegrityError:
            db.session.rollback()
            if attempt == 2:
                raise StaleRecord(_("考勤刚被他人修改，请刷新后重试。")) from None
        except StaleDataError:
            db.session.rollback()
            raise StaleRecord(_("考勤刚被他人修改，请刷新后重试。")) from None


def _check_not_suspended(row: RosterRow) -> None:
    if row.suspended:
        raise StudentSuspended(_("%(name)s 自 %(date)s 起休学，不能考勤，也不扣课时。", name=row.student.name,
                                 date=row.student.suspended_from.isoformat()))


def mark_attendance(lesson: Lesson, student_id: int, status: AttendanceStatus, *, by: User,
                    today: dt.date | None = None, confirmed: bool = False) -> Attendance | None:
    """One tap on the sheet: save the student's mark and bring the balance in line (the caller commits);
    a mark into 欠课时 needs `confirmed`."""
    rules = sheet_rules(lesson, by, today)
    _check(rules, status)

    def work():
        row = roster_row(lesson, student_id)
        if row is None or row.former or row.enrollment_id is None:
            raise NotOnRoster(_("该学员不在本节课的名单中。"))
        _check_not_suspended(row)
        owing = None if confirmed else []
        attendance = _mark_one(lesson, row, status, by, rules, owing)
        _unless_owing(owing or [])
        return attendance

    return _retrying(work)


def mark_all_present(lesson: Lesson, *, by: User, today: dt.date | None = None, confirmed: bool = False) -> list[int]:
    """全部出勤: mark present everyone on the roster still unmarked (not the suspended); returns their student ids.
    If any of them would go into 欠课时, nothing is marked until confirmed."""
    rules = sheet_rules(lesson, by, today)
    _check(rules, AttendanceStatus.PRESENT)

    def work():
        unmarked = [row for row in roster(lesson) if row.attendance is None and row.markable]
        done, owing = [], None if confirmed else []
        for row in sorted(unmarked, key=lambda r: r.enrollment_id):  # one lock order: no deadlocks
            if _mark_one(lesson, row, AttendanceStatus.PRESENT, by, rules, owing, only_if_unmarked=True):
                done.append(row.student.id)
        _unless_owing(owing or [])
        return done

    return _retrying(work)


def mark_trial(lesson: Lesson, trial_id: int, status: TrialStatus, *, by: User, today: dt.date | None = None):
    """A trial lead came (已到课) or did not (未到); trials never touch a ledger."""
    rules = sheet_rules(lesson, by, today)
    _check(rules, AttendanceStatus.PRESENT)
    trial = trial_of(lesson, trial_id)
    if trial is None:
        raise NotOnRoster(_("该试听不在本节课的名单中。"))
    trial.status = status
    db.session.flush()
    return trial
