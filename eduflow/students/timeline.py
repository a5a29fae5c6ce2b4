"""The student's follow-up timeline: follow-ups, enrolments, payments, attendance marks, status changes and
reviews, merged newest first, a page at a time behind an exact (time, kind, id) cursor."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, or_, select, true
from sqlalchemy.orm import joinedload

from eduflow.access import scope_clause
from eduflow.extensions import db
from eduflow.models import Attendance, Enrollment, FollowUp, Lesson, Payment, Review, StatusChange, User

PAGE = 20
KINDS = ("attendance", "enrollment", "follow_up", "payment", "review", "status")


@dataclass(frozen=True)
class Cursor:
    """Where the previous page stopped: the last item's time, kind and id (the sort key, newest first)."""

    at: dt.datetime
    kind: str
    id: int

    def __str__(self) -> str:
        return f"{self.at.isoformat()}~{self.kind}~{self.id}"

    @classmethod
    def parse(cls, raw: str) -> "Cursor | None":
        """The cursor a 'more' link carried, or None if it was tampered with."""
        try:
            at, kind, ident = raw.split("~")
            cursor = cls(dt.datetime.fromisoformat(at), kind, int(ident))
        except ValueError:
            return None
        return cursor if cursor.kind in KINDS and cursor.at.tzinfo is None else None


@dataclass(frozen=True)
class TimelineItem:
    kind: str  # one of KINDS: the template shows each differently
    at: dt.datetime  # naive UTC
    record: Any

    @property
    def key(self) -> str:
        return f"{self.kind}-{self.record.id}"

    @property
    def cursor(self) -> Cursor:
        return Cursor(self.at, self.kind, self.record.id)


def _sources(student_id: int, user: User):
    """(kind, time column, query) for every kind of entry; attendance only from lessons the user may see."""
    return [
        ("follow_up", FollowUp.followed_at, select(FollowUp).where(FollowUp.student_id == student_id)
         .options(joinedload(FollowUp.user))),
        ("enrollment", Enrollment.created_at, select(Enrollment).where(Enrollment.student_id == student_id)
         .options(joinedload(Enrollment.course), joinedload(Enrollment.class_group))),
        ("payment", Payment.paid_at, select(Payment).join(Enrollment).where(Enrollment.student_id == student_id)
         .options(joinedload(Payment.enrollment), joinedload(Payment.recorded_by))),
        ("attendance", Attendance.created_at, select(Attendance)
         .where(Attendance.student_id == student_id, scope_clause(Attendance, user))
         .options(joinedload(Attendance.lesson).joinedload(Lesson.class_group), joinedload(Attendance.recorded_by))),
        ("status", StatusChange.requested_at, select(StatusChange).where(StatusChange.student_id == student_id)
         .options(joinedload(StatusChange.requested_by))),
    ]


def _older_than(cursor: Cursor | None, kind: str, column, ident):
    """Rows strictly after the cursor in (time desc, kind desc, id desc) order."""
    if cursor is None:
        return true()
    if kind > cursor.kind:
        return column < cursor.at
    if kind < cursor.kind:
        return column <= cursor.at
    return or_(column < cursor.at, and_(column == cursor.at, ident < cursor.id))


def _reviews(student_id: int, cursor: Cursor | None) -> list[TimelineItem]:
    """Reviews carry a date only: each stands at the start of its day, and they are few per student."""
    query = select(Review).where(Review.student_id == student_id).options(joinedload(Review.teacher),
                                                                          joinedload(Review.course))
    if cursor is not None:
        query = query.where(Review.reviewed_on <= cursor.at.date())
    items = [TimelineItem("review", dt.datetime.combine(r.reviewed_on, dt.time.min), r) for r in db.session.scalars(query)]
    return [i for i in items if cursor is None or (i.at, i.kind, i.record.id) < (cursor.at, cursor.kind, cursor.id)]


def student_timeline(student_id: int, user: User, cursor: Cursor | None = None,
                     limit: int = PAGE) -> tuple[list[TimelineItem], Cursor | None]:
    """One page of entries after `cursor`, and the cursor of the next page (None at the end)."""
    items = _reviews(student_id, cursor)
    for kind, column, query in _sources(student_id, user):
        entity = column.class_
        query = query.where(_older_than(cursor, kind, column, entity.id))
        rows = db.session.scalars(query.order_by(column.desc(), entity.id.desc()).limit(limit + 1)).unique()
        items.extend(TimelineItem(kind, getattr(row, column.key), row) for row in rows)
    items.sort(key=lambda item: (item.at, item.kind, item.record.id), reverse=True)
    page = items[:limit]
    return page, (page[-1].cursor if len(items) > limit else None)
