"""The lesson ledger (课时流水): the only way a lesson balance changes. Rows are never edited.

Every row moves one of two pools: bought lessons (paid for, the only ones a refund pays back) or gift lessons
(free). A debit draws on the pools in the campus's order (bought first unless it chose gift first) and is split
when it crosses them; a debit beyond both remainders (欠课时) is owed in bought lessons. A correction that gives
a mark's units back returns them to the pools the mark took them from.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from eduflow.extensions import db
from eduflow.models import (
    AttendanceStatus, Enrollment, LedgerKind, LedgerPool, LessonLedgerEntry, Settings, User, utcnow,
)
from eduflow.settings import settings_for
from eduflow.system_texts import encode

BOUGHT, GIFT = LedgerPool.BOUGHT, LedgerPool.GIFT


@dataclass(frozen=True)
class Pools:
    """Units per pool (signed)."""

    bought: int = 0
    gift: int = 0

    @property
    def total(self) -> int:
        return self.bought + self.gift

    def of(self, pool: LedgerPool) -> int:
        return self.gift if pool == GIFT else self.bought

    def after(self, parts: list[tuple[LedgerPool, int]]) -> Pools:
        """The remainders once these signed parts are posted."""
        moved = {pool: sum(n for p, n in parts if p == pool) for pool in (BOUGHT, GIFT)}
        return Pools(bought=self.bought + moved[BOUGHT], gift=self.gift + moved[GIFT])


Parts = list[tuple[LedgerPool, int]]


def post_entry(enrollment: Enrollment, kind: LedgerKind, units: int, *, by: User | None, reason: str = "",
               lesson_id: int | None = None, attendance_id: int | None = None,
               attendance_status: AttendanceStatus | None = None,
               order: tuple[LedgerPool, LedgerPool] | None = None) -> LessonLedgerEntry:
    """Append a signed change (credits positive, debits negative), one row per pool it moves; the caller commits.
    `order` is the consumption order, when the caller has the campus's settings at hand. Returns the first row."""
    parts = _parts(enrollment, kind, units, attendance_id, order)
    rows = [_row(enrollment, kind, pool, n, by=by, reason=reason, lesson_id=lesson_id, attendance_id=attendance_id,
                 attendance_status=attendance_status) for pool, n in parts]
    db.session.flush()
    return rows[0]


def close_out(enrollment: Enrollment, kind: LedgerKind, *, by: User | None, reason: str) -> Pools:
    """Take each pool's whole remainder off (refund, void, carry-over to a new contract); returns what was taken."""
    held = pool_balances(enrollment.id)
    for pool in LedgerPool:
        if held.of(pool):
            _row(enrollment, kind, pool, -held.of(pool), by=by, reason=reason)
    db.session.flush()
    return held


def carry_in(enrollment: Enrollment, kind: LedgerKind, held: Pools, *, by: User | None, reason: str) -> None:
    """Credit remainders taken off another enrolment by close_out, each to the same pool."""
    for pool in LedgerPool:
        if held.of(pool):
            _row(enrollment, kind, pool, held.of(pool), by=by, reason=reason)
    db.session.flush()


def _row(enrollment: Enrollment, kind: LedgerKind, pool: LedgerPool, units: int, *, by: User | None, reason: str,
         lesson_id: int | None = None, attendance_id: int | None = None,
         attendance_status: AttendanceStatus | None = None) -> LessonLedgerEntry:
    # a sentence the system wrote is kept as its code (system_texts), so each reader sees it in their language
    entry = LessonLedgerEntry(enrollment_id=enrollment.id, student_id=enrollment.student_id, kind=kind, pool=pool,
                              units=units, lesson_id=lesson_id, attendance_id=attendance_id,
                              attendance_status=attendance_status, reason=encode(reason),
                              created_by_id=by.id if by else None, created_at=utcnow())
    db.session.add(entry)
    return entry


def _parts(enrollment: Enrollment, kind: LedgerKind, units: int, attendance_id: int | None,
           order: tuple[LedgerPool, LedgerPool] | None) -> Parts:
    """Which pools a change moves: gifts credit the gift pool, other credits the bought pool, debits are split."""
    if units == 0:
        return [(BOUGHT, 0)]
    if units < 0:
        return split_debit(pool_balances(enrollment.id), -units, order or consumption_order(enrollment))
    if kind == LedgerKind.GIFT:
        return [(GIFT, units)]
    if attendance_id is not None:
        return give_back(_taken_by(attendance_id), units, tuple(reversed(order or consumption_order(enrollment))))
    return [(BOUGHT, units)]


def pool_order(settings: Settings) -> tuple[LedgerPool, LedgerPool]:
    """Bought lessons first, unless the campus's settings consume gift lessons first."""
    return (GIFT, BOUGHT) if settings.gift_first else (BOUGHT, GIFT)


def consumption_order(enrollment: Enrollment) -> tuple[LedgerPool, LedgerPool]:
    """The consumption order of the student's campus."""
    return pool_order(settings_for(enrollment.student.campus_id))


def _fill(available: Pools, units: int, order: tuple[LedgerPool, ...]) -> dict[LedgerPool, int]:
    """Spread `units` over the pools in order, each up to what it has available; the rest goes to bought."""
    spread = {pool: 0 for pool in order}
    left = units
    for pool in order:
        n = min(left, max(available.of(pool), 0))
        spread[pool] += n
        left -= n
    spread[BOUGHT] += left
    return spread


def split_debit(held: Pools, units: int, order: tuple[LedgerPool, ...] = (BOUGHT, GIFT)) -> Parts:
    """Take `units` from the pools in order, each down to zero; what is left over is owed in bought lessons."""
    return [(pool, -n) for pool, n in _fill(held, units, order).items() if n]


def give_back(taken: Pools, units: int, order: tuple[LedgerPool, ...]) -> Parts:
    """Return `units` to the pools they were taken from, the last pool drawn on first (more than the mark
    took, which marks never do, is a plain bought credit)."""
    return [(pool, n) for pool, n in _fill(taken, units, order).items() if n]


def _taken_by(attendance_id: int) -> Pools:
    """Units a mark's rows have taken so far, per pool (positive)."""
    rows = db.session.execute(select(LessonLedgerEntry.pool, func.sum(LessonLedgerEntry.units))
                              .where(LessonLedgerEntry.attendance_id == attendance_id)
                              .group_by(LessonLedgerEntry.pool))
    found = {pool: -int(total) for pool, total in rows}
    return Pools(bought=found.get(BOUGHT, 0), gift=found.get(GIFT, 0))


def pool_balances(enrollment_id: int) -> Pools:
    """The bought and gift remainders of one enrolment."""
    rows = db.session.execute(select(LessonLedgerEntry.pool, func.sum(LessonLedgerEntry.units))
                              .where(LessonLedgerEntry.enrollment_id == enrollment_id)
                              .group_by(LessonLedgerEntry.pool))
    found = {pool: int(total) for pool, total in rows}
    return Pools(bought=found.get(BOUGHT, 0), gift=found.get(GIFT, 0))


def balance(enrollment_id: int) -> int:
    """Lessons remaining: the sum of the enrolment's ledger."""
    return db.session.scalar(
        select(func.coalesce(func.sum(LessonLedgerEntry.units), 0)).where(
            LessonLedgerEntry.enrollment_id == enrollment_id)
    )


def balances(enrollment_ids: list[int]) -> dict[int, int]:
    """Lessons remaining for many enrolments in one query."""
    if not enrollment_ids:
        return {}
    rows = db.session.execute(
        select(LessonLedgerEntry.enrollment_id, func.sum(LessonLedgerEntry.units))
        .where(LessonLedgerEntry.enrollment_id.in_(enrollment_ids))
        .group_by(LessonLedgerEntry.enrollment_id)
    )
    found = {enrollment_id: int(total) for enrollment_id, total in rows}
    return {enrollment_id: found.get(enrollment_id, 0) for enrollment_id in enrollment_ids}
