"""The student's follow-up timeline: follow-ups, enrolments, payments, attendance marks, status changes and
reviews, merged newest first, a page at a time behind an exact (time, kind, id) cursor."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from eduflow.access import scope_clause
from eduflow.extensions import db
from eduflow.models import Attendance, Enrollment, FollowUp, Lesson, Payment, Review, StatusChange, User
from eduflow.timeline import Cursor, TimelineItem, merge_page

PAGE = 20
KINDS = ("attendance", "enrollment", "follow_up", "payment", "review", "status")


def parse_cursor(raw: str) -> Cursor | None:
    """The cursor a 'more' link carried, or None if it was tampered with."""
    return Cursor.parse(raw, KINDS)


def _sources(student_id: int, user: User):
    """(kind, time column, query) for every kind of entry; attendance only from lessons the user may see."""
    return [
        ("follow_up", FollowUp.followed_at, select(FollowUp).where(FollowUp.student_id == student_id)
         .options(joinedload(FollowUp.user))),
        ("enrollment", Enrollment.created_at, select(Enrollment).where(Enrollment.student_id == student_id)
         .options(joinedload(Enrollment.course), joinedload(Enrollment.class_group))),
        ("payment", Payment.paid_at, select(Payment).join(Enrollment).where(Enrollment.student_id == student_id)
         .options(joinedload(Payment.enrollment), joinedload(Payment.recorded_by))),
        # scoped through the joined lesson (what scope_clause(Attendance) means): the plan walks the student's marks
        ("attendance", Attendance.created_at, select(Attendance).join(Lesson, Lesson.id == Attendance.lesson_id)
         .where(Attendance.student_id == student_id, scope_clause(Lesson, user))
         .options(joinedload(Attendance.lesson).joinedload(Lesson.class_group), joinedload(Attendance.recorded_by))),
        ("status", StatusChange.requested_at, select(StatusChange).where(StatusChange.student_id == student_id)
         .options(joinedload(StatusChange.requested_by))),
    ]


def _reviews(student_id: int, cursor: Cursor | None) -> list[TimelineItem]:
    """Reviews carry a date only: each stands at the start of its day, and they are few per student."""
    query = select(Review).where(Review.student_id == student_id).options(joinedload(Review.teacher),
                                                                          joinedload(Review.course))
    if cursor is not None:
        query = query.where(Review.reviewed_on <= cursor.at.date())
    items = [TimelineItem("review", dt.datetime.combine(r.reviewed_on, dt.time.min), r) for r in db.session.scalars(query)]
    return [i for i in items if cursor is None or i.sort_key < (cursor.at, cursor.kind, cursor.id)]


def student_timeline(student_id: int, user: User, cursor: Cursor | None = None,
                     limit: int = PAGE) -> tuple[list[TimelineItem], Cursor | None]:
    """One page of entries after `cursor`, and the cursor of the next page (None at the end)."""
    return merge_page(_sources(student_id, user), cursor, limit, extra=_reviews(student_id, cursor))
