"""Trial lessons (试听): book a lead into an upcoming lesson of an intended course, then mark the outcome."""
from __future__ import annotations

import datetime as dt

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from eduflow.domain import DomainError
from eduflow.extensions import db
from eduflow.i18n import school_today
from eduflow.leads.stages import OPEN_STAGES
from eduflow.models import ClassGroup, Lead, Lesson, TrialLesson, TrialStatus, User

BOOKABLE_LIMIT = 60  # lessons offered in the booking select, soonest first


def lead_trials(lead: Lead) -> list[TrialLesson]:
    """The lead's trial lessons, the latest lesson first."""
    query = (select(TrialLesson).join(TrialLesson.lesson).where(TrialLesson.lead_id == lead.id)
             .options(joinedload(TrialLesson.lesson).joinedload(Lesson.class_group),
                      joinedload(TrialLesson.lesson).joinedload(Lesson.teacher))
             .order_by(Lesson.lesson_date.desc(), Lesson.start_time.desc(), TrialLesson.id.desc()))
    return list(db.session.scalars(query))


def bookable_lessons(lead: Lead, today: dt.date | None = None) -> list[Lesson]:
    """Upcoming lessons of the lead's intended courses on its campus that it is not booked into yet."""
    course_ids = [course.id for course in lead.courses]
    if not course_ids:
        return []
    booked = select(TrialLesson.lesson_id).where(TrialLesson.lead_id == lead.id)
    query = (select(Lesson).join(Lesson.class_group)
             .where(Lesson.lesson_date >= (today or school_today()), ClassGroup.course_id.in_(course_ids),
                    ClassGroup.campus_id == lead.campus_id, Lesson.id.not_in(booked))
             .options(joinedload(Lesson.class_group).joinedload(ClassGroup.course), joinedload(Lesson.teacher))
             .order_by(Lesson.lesson_date, Lesson.start_time, Lesson.id).limit(BOOKABLE_LIMIT))
    return list(db.session.scalars(query))


def _check_bookable(lead: Lead, lesson: Lesson | None, today: dt.date) -> Lesson:
    if lead.stage not in OPEN_STAGES:
        raise DomainError(_("只有跟进中的线索可以预约试听。"))
    if lesson is None:
        raise DomainError(_("所选课节不存在。"))
    if lesson.lesson_date < today:
        raise DomainError(_("只能预约今天及以后的课节。"))
    if lesson.class_group.campus_id != lead.campus_id:
        raise DomainError(_("只能预约本校区的课节。"))
    if lesson.class_group.course_id not in {course.id for course in lead.courses}:
        raise DomainError(_("只能预约意向课程的课节，请先在线索中添加该意向课程。"))
    return lesson


def book_trial(lead: Lead, lesson_id: int, *, by: User, today: dt.date | None = None) -> TrialLesson:
    """Book the lead into a lesson as a trial (已预约); the caller commits (the unique index catches a race)."""
    lesson = _check_bookable(lead, db.session.get(Lesson, lesson_id), today or school_today())
    taken = db.session.scalar(select(TrialLesson.id).where(TrialLesson.lead_id == lead.id,
                                                          TrialLesson.lesson_id == lesson.id))
    if taken is not None:
        raise DomainError(_("该线索已预约过这节课。"))
    trial = TrialLesson(lead_id=lead.id, lesson_id=lesson.id, status=TrialStatus.BOOKED, booked_by_id=by.id)
    db.session.add(trial)
    db.session.flush()
    return trial


def trial_of(lead: Lead, trial_id: int) -> TrialLesson | None:
    """The lead's own trial with this id, or None (another lead's trial does not exist here)."""
    return db.session.scalar(select(TrialLesson).where(TrialLesson.id == trial_id, TrialLesson.lead_id == lead.id))


def set_trial_status(trial: TrialLesson, status: TrialStatus, *, today: dt.date | None = None) -> None:
    """Mark a trial attended or no-show (or back to booked); nothing moves in any lesson ledger."""
    if status != TrialStatus.BOOKED and trial.lesson.lesson_date > (today or school_today()):
        raise DomainError(_("课节还没开始，不能标记到课情况。"))
    trial.status = status
