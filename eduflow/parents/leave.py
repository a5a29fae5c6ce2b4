"""What the parent's timetable shows beside each lesson of a child: 请假 (and its withdrawal) while the cutoff allows,
why not once it has passed, the mark the teacher gave, and 评价 after an attended lesson (eduflow/parents/reviews.py).

The state of every lesson a page draws is read once per request, in three statements (the children's standing
leave requests, marks and parents' reviews of recent and coming lessons), whatever the number of lessons.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from flask import g
from flask_babel import gettext as _
from sqlalchemy import select

from eduflow.access import scoped
from eduflow.attendance.leave import LeaveWindow, leave_window, lesson_start
from eduflow.attendance.settlement import ATTENDED
from eduflow.extensions import db
from eduflow.i18n import from_utc, school_today
from eduflow.models import Attendance, AttendanceStatus, LeaveRequest, Lesson, Review, Settings, utcnow
from eduflow.parents import bp
from eduflow.settings import settings_for

REVIEW_DAYS = 30  # an attended lesson can be reviewed for this many days


@dataclass(frozen=True)
class LessonState:
    """One lesson of one child as the parent sees it."""

    lesson: Lesson
    student_id: int
    window: LeaveWindow
    started: bool
    leave: LeaveRequest | None  # standing (not withdrawn)
    mark: Attendance | None
    review: Review | None

    @property
    def can_ask(self) -> bool:
        return not self.started and self.window.open and self.leave is None and self.mark is None

    @property
    def can_withdraw(self) -> bool:
        return self.leave is not None and self.window.open and (self.mark is None or self.pre_marked)

    @property
    def pre_marked(self) -> bool:
        """The sheet still shows the 请假 the parent asked for (nobody on the staff changed it)."""
        return self.mark is not None and self.mark.status == AttendanceStatus.LEAVE and self.mark.recorded_by_id is None

    @property
    def closed_line(self) -> str | None:
        """Why there is no 请假 button on a lesson still to come."""
        if self.started or self.window.open or self.leave is not None or self.mark is not None:
            return None
        return _("开课前 %(hours)s 小时内不能在线请假，请联系校区", hours=self.window.hours)

    @property
    def can_review(self) -> bool:
        recent = self.lesson.lesson_date >= school_today() - dt.timedelta(days=REVIEW_DAYS)
        return (self.started and recent and self.review is None and self.mark is not None
                and self.mark.status in ATTENDED)


class LessonStates:
    """The children's leave requests, marks and reviews around today, read on the first lesson asked about."""

    def __init__(self):
        self.loaded = False
        self.leaves: dict = {}
        self.marks: dict = {}
        self.reviews: dict = {}
        self.settings: dict[int, Settings] = {}
        self.now = utcnow()

    def _load(self) -> None:
        since = school_today() - dt.timedelta(days=REVIEW_DAYS)
        recent = select(Lesson.id).where(Lesson.lesson_date >= since)
        for leave in db.session.scalars(scoped(LeaveRequest).where(LeaveRequest.withdrawn_at.is_(None),
                                                                   LeaveRequest.lesson_id.in_(recent))):
            self.leaves[(leave.lesson_id, leave.student_id)] = leave
        for mark in db.session.scalars(scoped(Attendance).where(Attendance.lesson_id.in_(recent))):
            self.marks[(mark.lesson_id, mark.student_id)] = mark
        for review in db.session.scalars(scoped(Review).where(Review.lesson_id.in_(recent))):
            self.reviews[(review.lesson_id, review.student_id)] = review
        self.loaded = True

    def _settings(self, campus_id: int) -> Settings:
        if campus_id not in self.settings:
            self.settings[campus_id] = settings_for(campus_id)
        return self.settings[campus_id]

    def of(self, lesson: Lesson, student_id: int) -> LessonState:
        if not self.loaded:
            self._load()
        key = (lesson.id, student_id)
        window = leave_window(lesson, self._settings(lesson.class_group.campus_id), self.now)
        started = from_utc(self.now) >= lesson_start(lesson)
        return LessonState(lesson, student_id, window, started, self.leaves.get(key), self.marks.get(key),
                           self.reviews.get(key))


def lesson_state(lesson: Lesson, student_id: int) -> LessonState:
    """The lesson's state for the child, from this request's one read of them all."""
    if "parent_lesson_states" not in g:
        g.parent_lesson_states = LessonStates()
    return g.parent_lesson_states.of(lesson, student_id)


def forget_states() -> None:
    """After a write: the next state is read afresh."""
    g.pop("parent_lesson_states", None)


@bp.app_template_global("parent_lesson_state")
def _parent_lesson_state(lesson: Lesson, student_id: int) -> LessonState:
    return lesson_state(lesson, student_id)
