"""Reviews (评价): a student's 1–5 ratings and comment for a course and teacher, one reply, and averages.

Teachers see the reviews of themselves; everyone else the reviews of the students in their scope.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import Select, func, select
from sqlalchemy.orm import joinedload

from eduflow.access import may_reply, scope_clause, teacher_accounts
from eduflow.domain import DomainError
from eduflow.extensions import db
from eduflow.i18n import school_today
from eduflow.models import Course, Enrollment, Review, Student, User, utcnow

RATINGS = range(1, 6)


@dataclass
class ReviewInput:
    course_id: int | None
    teacher_id: int | None
    overall_rating: int | None
    course_rating: int | None
    teacher_rating: int | None
    reviewed_on: dt.date | None
    comment: str = ""


@dataclass(frozen=True)
class Average:
    """Mean ratings of one teacher or course over `count` reviews."""

    name: str
    overall: float
    course: float
    teacher: float
    count: int


def reviewable_courses(student_id: int) -> list[Course]:
    """The courses the student is or was enrolled in."""
    enrolled = select(Enrollment.course_id).where(Enrollment.student_id == student_id)
    return db.session.scalars(select(Course).where(Course.id.in_(enrolled)).order_by(Course.name)).all()


def campus_teachers(campus_id: int) -> list[User]:
    return db.session.scalars(select(User).where(teacher_accounts(), User.campus_id == campus_id,
                                                 User.is_active.is_(True)).order_by(User.display_name)).all()


def _check_ratings(data: ReviewInput) -> None:
    for value in (data.overall_rating, data.course_rating, data.teacher_rating):
        if value not in RATINGS:
            raise DomainError(_("评分必须是 1 到 5 之间的整数。"))


def add_review(student: Student, data: ReviewInput, *, by: User) -> Review:
    """Record a review: a course the student took, a teacher of the student's campus, ratings 1–5, no future date."""
    _check_ratings(data)
    if data.course_id not in {course.id for course in reviewable_courses(student.id)}:
        raise DomainError(_("请选择该学员报过名的课程。"))
    if data.teacher_id not in {teacher.id for teacher in campus_teachers(student.campus_id)}:
        raise DomainError(_("请选择学员所在校区的在职教师。"))
    if data.reviewed_on is None or data.reviewed_on > school_today():
        raise DomainError(_("评价日期不能晚于今天。"))
    review = Review(student_id=student.id, course_id=data.course_id, teacher_id=data.teacher_id,
                    overall_rating=data.overall_rating, course_rating=data.course_rating,
                    teacher_rating=data.teacher_rating, comment=(data.comment or "").strip(),
                    reviewed_on=data.reviewed_on, recorded_by_id=by.id)
    db.session.add(review)
    db.session.flush()
    return review


def reply_to_review(review: Review, text: str, *, by: User) -> Review:
    """The one reply of a review; writing it again edits it (who and when are those of the last edit)."""
    if not may_reply(review, by):
        raise DomainError(_("只有被评价的教师或本校区主管可以回复。"))
    text = (text or "").strip()
    if not text:
        raise DomainError(_("请填写回复内容。"))
    review.reply, review.replied_by_id, review.replied_at = text, by.id, utcnow()
    db.session.flush()
    return review


# ---------- lists ----------

def review_scope(user: User):
    """Teachers: reviews of themselves; others: reviews of the students in their scope (access.scopes)."""
    return scope_clause(Review, user)


def _with_details(query: Select) -> Select:
    return query.options(joinedload(Review.student), joinedload(Review.course), joinedload(Review.teacher),
                         joinedload(Review.replied_by))


def find_review(review_id: int, user: User) -> Review | None:
    return db.session.scalar(_with_details(select(Review).where(Review.id == review_id, review_scope(user))))


def student_reviews(student_id: int, user: User) -> list[Review]:
    return db.session.scalars(_with_details(select(Review).where(Review.student_id == student_id, review_scope(user)))
                              .order_by(Review.reviewed_on.desc(), Review.id.desc())).all()


def latest_reviews(user: User) -> Select:
    return _with_details(select(Review).where(review_scope(user))).order_by(Review.reviewed_on.desc(),
                                                                            Review.id.desc())


def _averages(user: User, name_column, key_column) -> list[Average]:
    rows = db.session.execute(
        select(name_column, func.avg(Review.overall_rating), func.avg(Review.course_rating),
               func.avg(Review.teacher_rating), func.count(Review.id))
        .select_from(Review).join(name_column.class_, name_column.class_.id == key_column)
        .where(review_scope(user)).group_by(name_column.class_.id, name_column)
        .order_by(func.count(Review.id).desc(), name_column))
    return [Average(name, round(float(o), 1), round(float(c), 1), round(float(t), 1), n) for name, o, c, t, n in rows]


def averages_by_teacher(user: User) -> list[Average]:
    """Mean ratings per reviewed teacher, most reviewed first."""
    return _averages(user, User.display_name, Review.teacher_id)


def averages_by_course(user: User) -> list[Average]:
    """Mean ratings per course, most reviewed first."""
    return _averages(user, Course.name, Review.course_id)
