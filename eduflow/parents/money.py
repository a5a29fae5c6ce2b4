"""课时明细 and 缴费 for a parent: each enrolment's ledger line by line, and the children's payments.

A line is a posting of the ledger (rows one debit split over the bought and gift pools are shown as one line), or
a mark that moved nothing (请假, a makeup already paid for, a status the campus does not deduct), so the parent
sees every lesson the child was marked at. The balance after each line is the running sum, so the last one equals
the enrolment's remaining lessons (eduflow.enrollments.ledger.balance). Every read is one statement, whatever the
number of lines.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import case, exists, select
from sqlalchemy.orm import joinedload

from eduflow.access.scopes import scoped
from eduflow.attendance.settlement import ATTENDED
from eduflow.enrollments.ledger import balances
from eduflow.extensions import db
from eduflow.models import (
    Attendance, AttendanceStatus, ClassGroup, Enrollment, EnrollmentStatus, LedgerKind, LedgerPool, Lesson,
    LessonLedgerEntry, Makeup, MakeupStatus, Payment, Student, User,
)
from eduflow.parents.home import my_children

SAME_POSTING = dt.timedelta(seconds=2)  # the rows of one split debit are written together


@dataclass
class Hours:
    """One enrolment of a child with its remaining lessons."""

    enrollment: Enrollment
    remaining: int


@dataclass
class ChildHours:
    student: Student
    enrollments: list[Hours] = field(default_factory=list)


@dataclass
class LedgerLine:
    """One line of 课时明细: what moved the balance (or a mark that moved nothing) and the balance after it."""

    at: dt.datetime  # naive UTC, when it was written
    kind: LedgerKind | None  # None: a mark with no ledger row
    units: int
    lesson: Lesson | None = None
    status: AttendanceStatus | None = None
    makeup: bool = False  # the lesson is a makeup (补课) of a missed one
    marked_by: User | None = None
    reason: str = ""
    pools: dict[LedgerPool, int] = field(default_factory=dict)
    balance: int = 0
    # Orders lines written in the same instant (MariaDB keeps whole seconds): the newest mark id seen so far in the
    # ledger for a posting, just under its own id for a mark that wrote no row (ids grow as marks are written).
    order: float = 0

    @property
    def made_up(self) -> bool:
        """补课: the child attended a makeup lesson."""
        return self.makeup and self.status in ATTENDED

    @property
    def bought(self) -> int:
        return self.pools.get(LedgerPool.BOUGHT, 0)

    @property
    def gift(self) -> int:
        return self.pools.get(LedgerPool.GIFT, 0)

    @property
    def split(self) -> bool:
        """The line moved both the bought and the gift lessons."""
        return len([n for n in self.pools.values() if n]) > 1


def hours_overview() -> list[ChildHours]:
    """Every child with every enrolment (active ones first, then the newest) and its remaining lessons."""
    children = [ChildHours(student) for student in my_children()]
    by_id = {child.student.id: child for child in children}
    active_first = case((Enrollment.status == EnrollmentStatus.ACTIVE, 0), else_=1)
    enrollments = list(db.session.scalars(
        scoped(Enrollment).where(Enrollment.student_id.in_(by_id))
        .options(joinedload(Enrollment.course), joinedload(Enrollment.class_group))
        .order_by(active_first, Enrollment.enrolled_on.desc(), Enrollment.id.desc())))
    remaining = balances([enrollment.id for enrollment in enrollments])
    for enrollment in enrollments:
        by_id[enrollment.student_id].enrollments.append(Hours(enrollment, remaining[enrollment.id]))
    return children


def _lesson_options(path):
    return (path.joinedload(Lesson.class_group).joinedload(ClassGroup.course), path.joinedload(Lesson.teacher))


def _entries(enrollment: Enrollment) -> list[LessonLedgerEntry]:
    return list(db.session.scalars(
        scoped(LessonLedgerEntry).where(LessonLedgerEntry.enrollment_id == enrollment.id)
        .options(*_lesson_options(joinedload(LessonLedgerEntry.lesson)), joinedload(LessonLedgerEntry.created_by))
        .order_by(LessonLedgerEntry.id)))


def _unposted_marks(enrollment: Enrollment) -> list[Attendance]:
    """The enrolment's marks that wrote no ledger row (they took nothing)."""
    posted = exists().where(LessonLedgerEntry.attendance_id == Attendance.id)
    return list(db.session.scalars(
        scoped(Attendance).where(Attendance.enrollment_id == enrollment.id, ~posted)
        .options(*_lesson_options(joinedload(Attendance.lesson)), joinedload(Attendance.recorded_by))
        .order_by(Attendance.created_at, Attendance.id)))


def _makeup_lessons(enrollment: Enrollment) -> set[int]:
    return set(db.session.scalars(select(Makeup.lesson_id).where(Makeup.enrollment_id == enrollment.id,
                                                                 Makeup.status != MakeupStatus.CANCELLED)))


def _same_posting(line: LedgerLine, entry: LessonLedgerEntry, last: LessonLedgerEntry | None) -> bool:
    """A row continuing the line: the other pool of the same change, written in the same moment."""
    return (last is not None and entry.pool not in line.pools and abs(entry.created_at - last.created_at) < SAME_POSTING
            and (entry.kind, entry.attendance_id, entry.lesson_id, entry.attendance_status, entry.reason,
                 entry.created_by_id) == (last.kind, last.attendance_id, last.lesson_id, last.attendance_status,
                                          last.reason, last.created_by_id))


def _postings(entries: list[LessonLedgerEntry], makeups: set[int]) -> list[LedgerLine]:
    lines: list[LedgerLine] = []
    last, newest_mark = None, 0
    for entry in entries:
        newest_mark = max(newest_mark, entry.attendance_id or 0)
        if lines and _same_posting(lines[-1], entry, last):
            lines[-1].units += entry.units
            lines[-1].pools[entry.pool] = entry.units
        else:
            lines.append(LedgerLine(at=entry.created_at, kind=entry.kind, units=entry.units, lesson=entry.lesson,
                                    status=entry.attendance_status, makeup=entry.lesson_id in makeups,
                                    marked_by=entry.created_by, reason=entry.reason, pools={entry.pool: entry.units},
                                    order=newest_mark))
        last = entry
    return lines


def ledger_lines(enrollment: Enrollment) -> list[LedgerLine]:
    """课时明细 of an enrolment loaded in scope, oldest first, each line with the balance after it."""
    makeups = _makeup_lessons(enrollment)
    lines = _postings(_entries(enrollment), makeups)
    lines += [LedgerLine(at=mark.created_at, kind=None, units=0, lesson=mark.lesson, status=mark.status,
                         makeup=mark.lesson_id in makeups, marked_by=mark.recorded_by, order=mark.id - 0.5)
              for mark in _unposted_marks(enrollment)]
    lines.sort(key=lambda line: (line.at, line.order))  # stable: postings keep the ledger's order
    running = 0
    for line in lines:
        running += line.units
        line.balance = running
    return lines


def my_payments() -> list[Payment]:
    """The children's payments and refunds, newest first."""
    return list(db.session.scalars(
        scoped(Payment).options(joinedload(Payment.enrollment).joinedload(Enrollment.student),
                                joinedload(Payment.enrollment).joinedload(Enrollment.course))
        .order_by(Payment.paid_at.desc(), Payment.id.desc())))


__all__ = ["ChildHours", "Hours", "LedgerLine", "hours_overview", "ledger_lines", "my_payments"]
