"""What marks take from the balance: each mark's ledger effect (a makeup pair is paid for exactly once) and the
rows that bring a sheet's marks' ledger in line with it, planned against the loaded sheet and written in one flush.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm.attributes import set_committed_value

from eduflow.attendance.roster import OPEN_MAKEUPS, RosterRow, Sheet
from eduflow.enrollments.ledger import Pools, give_back, pool_order, split_debit
from eduflow.extensions import db
from eduflow.models import Attendance, AttendanceStatus, LedgerKind, Lesson, Makeup, MakeupStatus, Settings, User, utcnow
from eduflow.settings import settings_for

if TYPE_CHECKING:
    from eduflow.attendance.services import SheetRules

ATTENDED = frozenset({AttendanceStatus.PRESENT, AttendanceStatus.LATE})
MISSED = frozenset({AttendanceStatus.LEAVE, AttendanceStatus.ABSENT})


def fresh(statement):
    """Read past the session's identity map: after taking a lock, see what others committed."""
    return db.session.scalar(statement.execution_options(populate_existing=True))


def makeup_into(attendance: Attendance) -> Makeup | None:
    """The makeup this mark is the attendance of, if any."""
    return fresh(select(Makeup).where(Makeup.lesson_id == attendance.lesson_id,
                                      Makeup.student_id == attendance.student_id, Makeup.status.in_(OPEN_MAKEUPS)))


def mark_effect(status: AttendanceStatus, units: int, deducting, missed: Attendance | None = None) -> int:
    """Units a mark takes from the balance (≤ 0): its lesson's units if its status deducts. The attendance of a
    makeup (`missed`: the mark it makes up) takes the missed lesson's units, only if attended and the missed
    mark took nothing, so a makeup pair is paid for exactly once."""
    if missed is None:
        return -units if status in deducting else 0
    if status not in ATTENDED or missed.status in deducting:
        return 0
    return -missed.lesson.units


def implied_effect(attendance: Attendance, makeup: Makeup | None = None, settings: Settings | None = None) -> int:
    """Units the mark should have taken from the balance, read afresh from the database (≤ 0)."""
    deducting = (settings or settings_for(attendance.lesson.class_group.campus_id)).deducting
    if makeup is None:
        return mark_effect(attendance.status, attendance.lesson.units, deducting)
    missed = fresh(select(Attendance).where(Attendance.id == makeup.missed_attendance_id))
    return mark_effect(attendance.status, 0, deducting, missed)


def _reason(attendance: Attendance, kind: LedgerKind, makeup: Makeup | None, lesson: Lesson | None = None) -> str:
    lesson = lesson or attendance.lesson
    where = f"{lesson.lesson_date.isoformat()} {lesson.class_group.name}"
    if makeup is not None:
        where = _("补课 %(where)s", where=where)
    if kind == LedgerKind.CORRECTION:
        return _("考勤更正：%(where)s 改为%(status)s", where=where, status=attendance.status.label)
    return _("考勤：%(where)s %(status)s", where=where, status=attendance.status.label)


class Settlement:
    """Marks written against one loaded sheet: their ledger rows are computed here and written in one flush.

    The figures (remainders per enrolment, what each mark has taken) come from the sheet, read after the lock,
    and are kept up to date as rows are planned, so several marks of one request see each other's effect. New
    marks have no id yet: their rows get it once the marks are flushed (`link`)."""

    def __init__(self, sheet: Sheet, rules: SheetRules, by: User):
        self.sheet, self.rules, self.by = sheet, rules, by
        self.order = pool_order(rules.settings)
        self.entries: list[tuple[dict, Attendance]] = []
        self.undo: list[tuple[object, str, object]] = []  # (object, attribute, old value) to put back when asking
        self.makeups: list[tuple[Makeup, MakeupStatus]] = []  # (makeup, status before)

    def set(self, target, attribute: str, value) -> None:
        """Plan a value (no ORM history: the writes are explicit statements, see writes.py)."""
        self.undo.append((target, attribute, getattr(target, attribute)))
        set_committed_value(target, attribute, value)

    def implied(self, attendance: Attendance, makeup: Makeup | None, missed: Attendance | None = None) -> int:
        """What the mark should have taken (≤ 0), from the sheet."""
        if makeup is not None:
            missed = missed or makeup.missed_attendance
        return mark_effect(attendance.status, self.sheet.lesson.units, self.rules.settings.deducting, missed)

    def settle(self, attendance: Attendance, implied: int, makeup: Makeup | None, lesson: Lesson) -> int:
        """Plan the row(s) bringing the mark's ledger in line with what it implies; returns the units moved."""
        count, taken = self.sheet.taken.get(attendance.id, (0, Pools())) if attendance.id else (0, Pools())
        change = implied + taken.total
        if not change:
            return 0
        kind = LedgerKind.CORRECTION if count else LedgerKind.ATTENDANCE
        held = self.sheet.pools.get(attendance.enrollment_id, Pools())
        parts = (split_debit(held, -change, self.order) if change < 0
                 else give_back(taken, change, tuple(reversed(self.order))))
        reason = _reason(attendance, kind, makeup, lesson)
        for pool, units in parts:
            self.entries.append(({
                "enrollment_id": attendance.enrollment_id, "student_id": attendance.student_id, "kind": kind,
                "pool": pool, "units": units, "lesson_id": attendance.lesson_id,
                "attendance_status": attendance.status, "reason": reason, "created_by_id": self.by.id,
                "created_at": utcnow()}, attendance))
        self.sheet.pools[attendance.enrollment_id] = held.after(parts)
        return change

    def settle_row(self, row: RosterRow, attendance: Attendance) -> int:
        """Settle the mark, and the makeup attendance whose price depends on it (same student, already locked)."""
        makeup = row.makeup
        if makeup is not None:
            self.makeups.append((makeup, makeup.status))
            self.set(makeup, "status", MakeupStatus.ATTENDED if attendance.status in ATTENDED else MakeupStatus.BOOKED)
        change = self.settle(attendance, self.implied(attendance, makeup), makeup, self.sheet.lesson)
        later = row.booked_makeup
        made_up = self.sheet.made_up.get(later.id) if later is not None else None
        if made_up is not None:
            change += self.settle(made_up, self.implied(made_up, later, missed=attendance), later, later.lesson)
        return change

    def put_back(self) -> None:
        for target, attribute, value in reversed(self.undo):
            set_committed_value(target, attribute, value)
