"""The lesson ledger (课时流水): the only way a lesson balance changes. Rows are never edited."""
from __future__ import annotations

from sqlalchemy import func, select

from eduflow.extensions import db
from eduflow.models import AttendanceStatus, Enrollment, LedgerKind, LessonLedgerEntry, User, utcnow


def post_entry(enrollment: Enrollment, kind: LedgerKind, units: int, *, by: User | None, reason: str = "",
               lesson_id: int | None = None, attendance_id: int | None = None,
               attendance_status: AttendanceStatus | None = None) -> LessonLedgerEntry:
    """Append one signed row (credits positive, debits negative); the caller commits."""
    entry = LessonLedgerEntry(enrollment_id=enrollment.id, student_id=enrollment.student_id, kind=kind, units=units,
                              lesson_id=lesson_id, attendance_id=attendance_id, attendance_status=attendance_status,
                              reason=reason,
                              created_by_id=by.id if by else None, created_at=utcnow())
    db.session.add(entry)
    db.session.flush()
    return entry


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
