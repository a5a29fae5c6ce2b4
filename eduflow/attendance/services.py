"""Attendance rules: who may mark, the lock, marking (each mark's ledger effect is settlement.py's), makeups, trials.

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
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from eduflow.access import may_correct_locked, may_mark
from eduflow.attendance import writes
from eduflow.attendance.notices import tell_families
from eduflow.attendance.writes import AuditRows
from eduflow.attendance.roster import RosterRow, Sheet, load_sheet, sheet_students, trial_of
from eduflow.attendance.settlement import Settlement
from eduflow.domain import DomainError, StaleRecord
from eduflow.extensions import db
from eduflow.locks import lock_rows
from eduflow.i18n import school_today
from eduflow.models import (
    Attendance, AttendanceStatus, Enrollment, Lesson, ReminderKind, ReminderStatus, RenewalReminder, Settings, Student,
    TrialStatus, User,
)
from eduflow.settings import settings_for

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

    def __init__(self, owing: list[Owing], sheet: Sheet | None = None):
        self.owing, self.sheet = owing, sheet  # the sheet as it was read, for the question's answer
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


def sheet_rules(lesson: Lesson, user: User, today: dt.date | None = None,
                settings: Settings | None = None) -> SheetRules:
    """Teachers mark their own lessons, academic staff and managers their campus's; old sheets lock.
    `settings`: the campus's, when the caller read them with the lesson."""
    today = today or school_today()
    settings = settings or settings_for(lesson.class_group.campus_id)
    lock_days = settings.attendance_lock_days
    locked, future = (today - lesson.lesson_date).days > lock_days, lesson.lesson_date > today
    overrides, permitted = may_correct_locked(user), may_mark(user, lesson)
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


def lock_students(students) -> None:
    """Hold the row locks of these students' enrolments (ids, or a subquery of ids) until commit, so marks drawing
    on them take turns."""
    lock_rows(Enrollment, select(Enrollment.id).where(Enrollment.student_id.in_(students)))


def _remind_owing(rows: list[tuple[Student, int, int]]) -> None:
    """A negative balance raises (or escalates) the enrolment's one pending low-hours reminder, marked urgent;
    `rows` are (student, enrolment, balance) after the marks."""
    owing = {enrollment_id: (student, remaining) for student, enrollment_id, remaining in rows if remaining < 0}
    if not owing:
        return
    pending = {}
    for reminder in db.session.scalars(select(RenewalReminder).where(
            RenewalReminder.enrollment_id.in_(sorted(owing)), RenewalReminder.kind == ReminderKind.LOW_HOURS,
            RenewalReminder.status == ReminderStatus.PENDING).order_by(RenewalReminder.id)):
        pending.setdefault(reminder.enrollment_id, reminder)
    for enrollment_id, (student, remaining) in owing.items():
        reminder = pending.get(enrollment_id)
        if reminder is None:
            db.session.add(RenewalReminder(
                student_id=student.id, enrollment_id=enrollment_id, kind=ReminderKind.LOW_HOURS,
                trigger_value=str(remaining), due_date=school_today(), assigned_to_id=student.owner_id,
                is_urgent=True))
        elif not reminder.is_urgent or reminder.trigger_value != str(remaining):
            reminder.is_urgent, reminder.trigger_value = True, str(remaining)


def _mark_rows(sheet: Sheet, rows: list[RosterRow], status: AttendanceStatus, by: User, rules: SheetRules,
               confirmed: bool, only_if_unmarked: bool = False) -> list[RosterRow]:
    """Write the marks of these rows and settle their ledger effect in a few multi-row statements, whatever their
    number; returns the rows changed. Unconfirmed marks into 欠课时 write nothing and raise DebtNotConfirmed."""
    changing = [row for row in rows if row.attendance is None
                or not (only_if_unmarked or row.attendance.status == status)]
    if not changing:
        return []
    settlement, owing, after, marks, told = Settlement(sheet, rules, by), [], [], [], []
    for row in changing:
        attendance = row.attendance or Attendance(lesson_id=sheet.lesson.id, student_id=row.student.id,
                                                  enrollment_id=row.enrollment_id)
        marks.append((row, attendance, row.attendance.status if row.attendance else None,
                      row.attendance.recorded_by_id if row.attendance else None))
        settlement.set(attendance, "status", status)
        settlement.set(attendance, "recorded_by_id", by.id)
        moved = settlement.settle_row(row, attendance)
        remaining = sheet.balance(attendance.enrollment_id)
        if remaining < 0 and moved < 0:
            owing.append(Owing(row.student, status, remaining - moved, -moved))
        after.append((row.student, attendance.enrollment_id, remaining))
        told.append((row.student, attendance, marks[-1][2], moved, remaining))
    if owing and not confirmed:
        settlement.put_back()
        raise DebtNotConfirmed(owing, sheet)
    _write(sheet, settlement, marks, status, by, rules)
    _remind_owing(after)
    tell_families(sheet.lesson, told)
    return changing


def _write(sheet: Sheet, settlement: Settlement, marks: list, status: AttendanceStatus, by: User,
           rules: SheetRules) -> None:
    """The planned marks, makeup statuses and ledger rows, and their audit entries: a statement per kind."""
    audited = AuditRows()
    writes.insert_marks([attendance for row, attendance, _, _ in marks if row.attendance is None], audited)
    for row, attendance, old, old_by in marks:
        if row.attendance is not None:
            writes.update_mark(attendance, old, old_by, audited)
        if rules.late_entry:
            audited.event("attendance_correction", "attendance", attendance.id,
                          {"status": [old.value if old else None, status.value], "late_entry": True})
        row.attendance = attendance
        row.balance = sheet.balance(row.enrollment_id)
    for makeup, old in settlement.makeups:
        writes.update_makeup(makeup, old, audited)
    writes.insert_entries(settlement.entries, audited)
    audited.send()


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


def tap(lesson: Lesson, student_id: int, status: AttendanceStatus, *, by: User, rules: SheetRules,
        confirmed: bool = False) -> tuple[Sheet, Attendance | None]:
    """One tap on the sheet: lock the student's enrolments, read the sheet, save the mark and bring the balance in
    line (the caller commits); returns the sheet as it now is and the mark (None: nothing to do). A mark into 欠课时 needs `confirmed`: unconfirmed,
    nothing is written and DebtNotConfirmed (with `.sheet`) asks."""
    _check(rules, status)

    def work():
        lock_students([student_id])
        sheet = load_sheet(lesson)
        row = sheet.row_of(student_id)
        if row is None or row.former or row.enrollment_id is None:
            raise NotOnRoster(_("该学员不在本节课的名单中。"))
        _check_not_suspended(row)
        changed = _mark_rows(sheet, [row], status, by, rules, confirmed)
        return sheet, (row.attendance if changed else None)

    return _retrying(work)


def mark_attendance(lesson: Lesson, student_id: int, status: AttendanceStatus, *, by: User,
                    today: dt.date | None = None, confirmed: bool = False) -> Attendance | None:
    """One tap on the sheet: save the student's mark and bring the balance in line (the caller commits);
    a mark into 欠课时 needs `confirmed`."""
    rules = sheet_rules(lesson, by, today)
    try:
        return tap(lesson, student_id, status, by=by, rules=rules, confirmed=confirmed)[1]
    except DebtNotConfirmed:
        db.session.rollback()
        raise


def mark_everyone(lesson: Lesson, *, by: User, rules: SheetRules, confirmed: bool = False) -> tuple[Sheet, list[int]]:
    """全部出勤: mark present everyone on the roster still unmarked (not the suspended), in a few statements whatever
    the roster's size; returns the sheet as it now is and the students marked. If any of them would go into
    欠课时, nothing is marked until confirmed (DebtNotConfirmed, with `.sheet`)."""
    _check(rules, AttendanceStatus.PRESENT)

    def work():
        lock_students(sheet_students(lesson))  # those 全部出勤 may mark
        sheet = load_sheet(lesson)
        unmarked = [row for row in sheet.rows if row.attendance is None and row.markable]
        done = _mark_rows(sheet, unmarked, AttendanceStatus.PRESENT, by, rules, confirmed, only_if_unmarked=True)
        return sheet, [row.student.id for row in done]

    return _retrying(work)


def mark_all_present(lesson: Lesson, *, by: User, today: dt.date | None = None, confirmed: bool = False) -> list[int]:
    """全部出勤: mark present everyone on the roster still unmarked (not the suspended); returns their student ids.
    If any of them would go into 欠课时, nothing is marked until confirmed."""
    try:
        return mark_everyone(lesson, by=by, rules=sheet_rules(lesson, by, today), confirmed=confirmed)[1]
    except DebtNotConfirmed:
        db.session.rollback()
        raise


def mark_trial(lesson: Lesson, trial_id: int, status: TrialStatus, *, by: User, today: dt.date | None = None,
               rules: SheetRules | None = None):
    """A trial lead came (已到课) or did not (未到); trials never touch a ledger."""
    rules = rules or sheet_rules(lesson, by, today)
    _check(rules, AttendanceStatus.PRESENT)
    trial = trial_of(lesson, trial_id)
    if trial is None:
        raise NotOnRoster(_("该试听不在本节课的名单中。"))
    trial.status = status
    db.session.flush()
    return trial
