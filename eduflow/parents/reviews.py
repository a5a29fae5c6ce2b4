"""评价 by a parent: after a lesson the child attended (出勤/迟到), the course and the teacher are rated 1–5 with a
comment, once per lesson (the reviews' unique lesson and student). Staff read and answer them with the other
reviews (eduflow/students/reviews.py), where they show 家长 as their author.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from eduflow.access import scoped
from eduflow.attendance.settlement import ATTENDED, fresh
from eduflow.domain import DomainError
from eduflow.extensions import db
from eduflow.i18n import school_today
from eduflow.models import Attendance, ClassGroup, Lesson, Review, Student
from eduflow.parents.leave import REVIEW_DAYS
from eduflow.students.reviews import RATINGS

COMMENT_MAX = 2000


class ReviewRefused(DomainError):
    """The review cannot be written (not attended, already reviewed …); the message says why."""


@dataclass(frozen=True)
class Ratings:
    overall: int | None
    course: int | None
    teacher: int | None
    comment: str = ""


def _attended(lesson: Lesson, student: Student) -> Attendance:
    mark = fresh(select(Attendance).where(Attendance.lesson_id == lesson.id, Attendance.student_id == student.id))
    if mark is None or mark.status not in ATTENDED:
        raise ReviewRefused(_("只能评价孩子出勤的课。"))
    if lesson.lesson_date < school_today() - dt.timedelta(days=REVIEW_DAYS):
        raise ReviewRefused(_("只能评价 %(n)s 天内上过的课。", n=REVIEW_DAYS))
    return mark


def _check(ratings: Ratings) -> str:
    if any(value not in RATINGS for value in (ratings.overall, ratings.course, ratings.teacher)):
        raise ReviewRefused(_("评分必须是 1 到 5 之间的整数。"))
    comment = (ratings.comment or "").strip()
    if len(comment) > COMMENT_MAX:
        raise ReviewRefused(_("评价内容最多 %(n)s 个字。", n=COMMENT_MAX))
    return comment


def _already() -> ReviewRefused:
    return ReviewRefused(_("这节课已经评价过了。"))


def review_lesson(account, lesson: Lesson, student: Student, ratings: Ratings) -> Review:
    """The parent's one review of a lesson the child attended: its course and teacher, rated 1–5 (the caller
    commits). A second review of the lesson, or two sent at once, is refused."""
    comment = _check(ratings)
    _attended(lesson, student)
    if fresh(select(Review.id).where(Review.lesson_id == lesson.id, Review.student_id == student.id)):
        raise _already()
    review = Review(student_id=student.id, course_id=lesson.class_group.course_id, teacher_id=lesson.teacher_id,
                    overall_rating=ratings.overall, course_rating=ratings.course, teacher_rating=ratings.teacher,
                    comment=comment, reviewed_on=school_today(), lesson_id=lesson.id, parent_account_id=account.id)
    db.session.add(review)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise _already() from None
    return review


def awaiting_review() -> list[Attendance]:
    """The children's attended lessons of the last REVIEW_DAYS days that nobody reviewed yet, latest first."""
    since = school_today() - dt.timedelta(days=REVIEW_DAYS)
    reviewed = select(Review.id).where(Review.lesson_id == Attendance.lesson_id,
                                       Review.student_id == Attendance.student_id).exists()
    return list(db.session.scalars(
        scoped(Attendance).join(Lesson, Lesson.id == Attendance.lesson_id)
        .where(Attendance.status.in_(ATTENDED), Lesson.lesson_date >= since, Lesson.lesson_date <= school_today(),
               ~reviewed)
        .options(joinedload(Attendance.student), joinedload(Attendance.lesson).joinedload(Lesson.class_group)
                 .joinedload(ClassGroup.course), joinedload(Attendance.lesson).joinedload(Lesson.teacher))
        .order_by(Lesson.lesson_date.desc(), Lesson.start_time.desc(), Attendance.id)))


def written_reviews(limit: int = 50) -> list[Review]:
    """The reviews of the children's lessons written on the parent side, with staff replies, latest first."""
    return list(db.session.scalars(
        scoped(Review).where(Review.lesson_id.is_not(None))
        .options(joinedload(Review.student), joinedload(Review.course), joinedload(Review.teacher),
                 joinedload(Review.replied_by))
        .order_by(Review.reviewed_on.desc(), Review.id.desc()).limit(limit)))
