"""What a user's dashboard (工作台) shows, always through the scope rules.

Times in the database are naive UTC; "today" is the school's day (its time zone), turned into UTC bounds once.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Select, exists, func, select
from sqlalchemy.orm import joinedload

from eduflow.access import LEAD_ROLES, scope_clause, scoped
from eduflow.enrollments.reminders import reminders_for
from eduflow.extensions import db
from eduflow.leads.queries import overdue_clause
from eduflow.leads.stages import OPEN_STAGES
from eduflow.students.status_changes import pending_count
from eduflow.models import (
    Campus, Lead, LeadStageCount, LeadStage, Lesson, Role, SixSpeed, Student, StudentStatus, TrialLesson, TrialStatus, User,
)

# Roles whose lead scope is whole campuses (eduflow.access: live leads of the campus, or of every campus).
WHOLE_CAMPUS_LEADS = (Role.ADMIN, Role.MANAGER)
LIMIT = 20  # items per worklist; the rest is one click away in the lead list


@dataclass(frozen=True)
class SchoolDay:
    """The school's today: its date, its bounds in naive UTC, and now (naive UTC)."""

    date: dt.date
    start: dt.datetime
    end: dt.datetime
    now: dt.datetime


@dataclass(frozen=True)
class Worklist:
    """The first `limit` items of a list and how many there are in all."""

    items: list
    total: int

    @property
    def more(self) -> int:
        return self.total - len(self.items)


def school_day(now: dt.datetime, tz: dt.tzinfo) -> SchoolDay:
    """The day `now` (naive UTC) falls on in the school's zone `tz`, with that day's bounds in naive UTC."""
    local = now.replace(tzinfo=dt.UTC).astimezone(tz)
    midnight = dt.datetime.combine(local.date(), dt.time.min)

    def to_utc(naive_local: dt.datetime) -> dt.datetime:
        aware = tz.localize(naive_local) if hasattr(tz, "localize") else naive_local.replace(tzinfo=tz)
        return aware.astimezone(dt.UTC).replace(tzinfo=None)

    return SchoolDay(date=local.date(), start=to_utc(midnight), end=to_utc(midnight + dt.timedelta(days=1)), now=now)


def _worklist(query: Select, limit: int) -> Worklist:
    """Two statements whatever the data (the count, then the first items), so the page's cost never varies."""
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    items = db.session.scalars(query.limit(limit)).unique().all()
    return Worklist(items=list(items), total=total)


def _lead_in_scope(column, user: User):
    """The row's lead is in the user's scope, asked per row (EXISTS): the query starts from its own dated index
    (today's visits, today's lessons), never from all of the campus's leads."""
    return exists().where(Lead.id == column, scope_clause(Lead, user))


def _open_leads(user: User) -> Select:
    return scoped(Lead, user).where(Lead.stage.in_(OPEN_STAGES)).options(joinedload(Lead.owner))


def todays_followups(user: User, day: SchoolDay, limit: int = LIMIT) -> Worklist:
    """Open leads due for a follow-up later today (those already past due are overdue, listed once there)."""
    query = _open_leads(user).where(Lead.next_followup_at >= day.now, Lead.next_followup_at < day.end)
    return _worklist(query.order_by(Lead.next_followup_at, Lead.id), limit)


def overdue_followups(user: User, day: SchoolDay, limit: int = LIMIT) -> Worklist:
    """Open leads whose next follow-up is before now, the longest waiting first."""
    query = _open_leads(user).where(overdue_clause(day.now))
    return _worklist(query.order_by(Lead.next_followup_at, Lead.id), limit)


def todays_visits(user: User, day: SchoolDay, limit: int = LIMIT) -> Worklist:
    """Six-speed sheets with a promised visit (承诺到访) today, of leads in scope."""
    query = (select(SixSpeed).where(_lead_in_scope(SixSpeed.lead_id, user))
             .where(SixSpeed.promised_visit_at >= day.start, SixSpeed.promised_visit_at < day.end)
             .options(joinedload(SixSpeed.lead).joinedload(Lead.owner)))
    return _worklist(query.order_by(SixSpeed.promised_visit_at, SixSpeed.id), limit)


def todays_trials(user: User, day: SchoolDay, limit: int = LIMIT) -> Worklist:
    """Booked trial lessons (试听) on lessons held today, of leads in scope."""
    query = (select(TrialLesson).join(TrialLesson.lesson)
             .where(_lead_in_scope(TrialLesson.lead_id, user), Lesson.lesson_date == day.date,
                    TrialLesson.status == TrialStatus.BOOKED)
             .options(joinedload(TrialLesson.lead).joinedload(Lead.owner),
                      joinedload(TrialLesson.lesson).joinedload(Lesson.class_group)))
    return _worklist(query.order_by(Lesson.start_time, TrialLesson.id), limit)


def leads_per_stage(user: User) -> list[tuple[LeadStage, int]]:
    """Every stage with the number of the user's leads in it (zero included): a campus's from its kept counts
    (a few rows, however many leads), a salesperson's own counted on the (owner, stage) index."""
    if user.role in WHOLE_CAMPUS_LEADS:
        counted = LeadStageCount
        query = (select(counted.stage, func.sum(counted.leads))
                 .where(counted.campus_id.in_(select(Campus.id).where(scope_clause(Campus, user))))
                 .group_by(counted.stage))
    else:
        query = select(Lead.stage, func.count()).where(scope_clause(Lead, user)).group_by(Lead.stage)
    per_stage = {stage: int(n or 0) for stage, n in db.session.execute(query)}
    return [(stage, per_stage.get(stage, 0)) for stage in LeadStage]


def _count(query) -> int:
    return db.session.scalar(select(func.count()).select_from(query.subquery()))


def dashboard_summary(user: User, day: SchoolDay) -> dict:
    """Everything the start page shows for this user: lead worklists for the sales side, then lessons and students."""
    summary: dict = {}
    if user.role in LEAD_ROLES:
        summary["leads_per_stage"] = leads_per_stage(user)
        summary["worklists"] = {
            "overdue": overdue_followups(user, day),
            "followups": todays_followups(user, day),
            "visits": todays_visits(user, day),
            "trials": todays_trials(user, day),
        }
    summary["active_students"] = _count(scoped(Student, user).where(Student.status == StudentStatus.ACTIVE))
    lessons = scoped(Lesson, user).where(Lesson.lesson_date == day.date).options(
        joinedload(Lesson.class_group), joinedload(Lesson.teacher), joinedload(Lesson.classroom))
    if user.role == Role.TEACHER:
        lessons = lessons.where(Lesson.teacher_id == user.id)
    summary["todays_lessons"] = db.session.scalars(lessons.order_by(Lesson.start_time).limit(50)).all()
    if user.role in (Role.ADMIN, Role.MANAGER, Role.SALES):
        summary["reminders"] = _worklist(reminders_for(user), LIMIT)
    if user.role in (Role.ADMIN, Role.MANAGER):
        summary["pending_approvals"] = pending_count(user)
    return summary
