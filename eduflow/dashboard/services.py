"""What a user's dashboard (工作台) shows, always through the scope rules.

Times in the database are naive UTC; "today" is the school's day (its time zone), turned into UTC bounds once.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Select, exists, func, select, union_all
from sqlalchemy.orm import contains_eager, defaultload, joinedload, load_only

from eduflow.access import MARKERS, SALES_SIDE, in_roles, is_office, is_teacher, scope_clause, scoped, taught_lessons
from eduflow.attendance.leave_lists import upcoming_requests
from eduflow.enrollments.reminders import reminders_for
from eduflow.extensions import db
from eduflow.leads.queries import overdue_clause, stage_totals
from eduflow.leads.stages import OPEN_STAGES
from eduflow.students.status_changes import pending_count
from eduflow.models import (
    ClassGroup, Classroom, Course, Enrollment, Lead, LeadStage, Lesson, RenewalReminder, SixSpeed, Student,
    StudentStatus, TrialLesson, TrialStatus, User,
)

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


def worklist(query: Select, limit: int, counted: Select | None = None) -> Worklist:
    """One statement whatever the data: the first `limit` items, each row carrying how many there are in all
    (`counted`, default: the rows of `query`), so the page's cost never varies and the total matches the items.
    No row means none at all."""
    counted = counted if counted is not None else select(func.count()).select_from(query.order_by(None).subquery())
    rows = db.session.execute(query.add_columns(counted.scalar_subquery()).limit(limit)).unique().all()
    return Worklist(items=[row[0] for row in rows], total=rows[0][1] if rows else 0)


def _lead_in_scope(column, user: User):
    """The row's lead is in the user's scope, asked per row (EXISTS): the query starts from its own dated index
    (today's visits, today's lessons), never from all of the campus's leads."""
    return exists().where(Lead.id == column, scope_clause(Lead, user))


# What a worklist row draws of a lead and its owner (templates/dashboard/_worklist.html): nothing else is read, so
# nothing else (e-mail, the owner's phone) is decrypted.
LEAD_ROW = (Lead.id, Lead.name, Lead.stage, Lead.phone_encrypted, Lead.owner_id, Lead.next_followup_at)


def _lead_row(path=None) -> tuple:
    """Load options for a worklist's lead as it is drawn, with its owner's name in the same statement; `path` is
    the loader reaching the lead (None: the rows are leads)."""
    lead = path.load_only(*LEAD_ROW) if path is not None else load_only(*LEAD_ROW)
    owner = path.joinedload(Lead.owner) if path is not None else joinedload(Lead.owner)
    return lead, owner.load_only(User.id, User.display_name)


def _soonest_open(user: User, due, limit: int) -> Worklist:
    """The user's open leads whose next follow-up meets `due`, soonest first, and how many there are.

    The items are each open stage's first `limit` on its own (owner or campus, stage, next follow-up) index range,
    merged: a few dozen index entries read, never a sort of the campus's thousands of due leads. The count is a
    range per stage of the (owner or campus, deleted_at, stage, next follow-up, id) index, read without the table."""
    wanted = (scope_clause(Lead, user), due)
    firsts = [select(Lead.id, Lead.next_followup_at).where(*wanted, Lead.stage == stage)
              .order_by(Lead.next_followup_at, Lead.id).limit(limit).subquery() for stage in OPEN_STAGES]
    merged = union_all(*[select(first.c.id, first.c.next_followup_at) for first in firsts]).subquery()
    query = (select(Lead).join(merged, merged.c.id == Lead.id).options(*_lead_row())
             .order_by(merged.c.next_followup_at, merged.c.id))
    return worklist(query, limit, select(func.count()).select_from(Lead).where(*wanted, Lead.stage.in_(OPEN_STAGES)))


def todays_followups(user: User, day: SchoolDay, limit: int = LIMIT) -> Worklist:
    """Open leads due for a follow-up later today (those already past due are overdue, listed once there)."""
    return _soonest_open(user, (Lead.next_followup_at >= day.now) & (Lead.next_followup_at < day.end), limit)


def overdue_followups(user: User, day: SchoolDay, limit: int = LIMIT) -> Worklist:
    """Open leads whose next follow-up is before now, the longest waiting first."""
    return _soonest_open(user, overdue_clause(day.now), limit)


def todays_visits(user: User, day: SchoolDay, limit: int = LIMIT) -> Worklist:
    """Six-speed sheets with a promised visit (承诺到访) today, of leads in scope."""
    query = (select(SixSpeed).where(_lead_in_scope(SixSpeed.lead_id, user))
             .where(SixSpeed.promised_visit_at >= day.start, SixSpeed.promised_visit_at < day.end)
             .options(load_only(SixSpeed.id, SixSpeed.lead_id, SixSpeed.promised_visit_at, SixSpeed.actual_visit_at),
                      *_lead_row(joinedload(SixSpeed.lead))))
    return worklist(query.order_by(SixSpeed.promised_visit_at, SixSpeed.id), limit)


def todays_trials(user: User, day: SchoolDay, limit: int = LIMIT) -> Worklist:
    """Booked trial lessons (试听) on lessons held today, of leads in scope."""
    query = (select(TrialLesson).join(TrialLesson.lesson)
             .where(_lead_in_scope(TrialLesson.lead_id, user), Lesson.lesson_date == day.date,
                    TrialLesson.status == TrialStatus.BOOKED)
             .options(load_only(TrialLesson.id, TrialLesson.lead_id, TrialLesson.lesson_id, TrialLesson.status),
                      *_lead_row(joinedload(TrialLesson.lead)),
                      contains_eager(TrialLesson.lesson).load_only(Lesson.id, Lesson.start_time, Lesson.end_time,
                                                                   Lesson.class_id),
                      contains_eager(TrialLesson.lesson).joinedload(Lesson.class_group).load_only(ClassGroup.id,
                                                                                                  ClassGroup.name)))
    return worklist(query.order_by(Lesson.start_time, TrialLesson.id), limit)


def leads_per_stage(user: User) -> list[tuple[LeadStage, int]]:
    """Every stage with the number of the user's leads in it (zero included), as the board counts them."""
    return list(stage_totals(user).items())


def todays_lessons(user: User, day: SchoolDay, limit: int = 50) -> list[Lesson]:
    """The lessons of the day in the user's scope (a teacher's own), with only what the list draws of each."""
    query = scoped(Lesson, user).where(Lesson.lesson_date == day.date)
    if is_teacher(user):
        query = query.where(taught_lessons(user))
    return list(db.session.scalars(query.order_by(Lesson.start_time).limit(limit).options(
        load_only(Lesson.id, Lesson.start_time, Lesson.end_time, Lesson.class_id, Lesson.teacher_id,
                  Lesson.classroom_id),
        joinedload(Lesson.class_group).load_only(ClassGroup.id, ClassGroup.name),
        joinedload(Lesson.teacher).load_only(User.id, User.display_name),
        joinedload(Lesson.classroom).load_only(Classroom.id, Classroom.name))))


def renewal_reminders(user: User) -> Worklist:
    """The user's pending renewal reminders (eduflow.enrollments.reminders' rule and order), each read as the
    dashboard draws it: the student's name and the course's, nothing decrypted."""
    query = reminders_for(user).options(
        load_only(RenewalReminder.id, RenewalReminder.student_id, RenewalReminder.enrollment_id,
                  RenewalReminder.kind, RenewalReminder.trigger_value, RenewalReminder.is_urgent),
        defaultload(RenewalReminder.student).load_only(Student.id, Student.name),
        defaultload(RenewalReminder.assigned_to).load_only(User.id, User.display_name),
        defaultload(RenewalReminder.enrollment).load_only(Enrollment.id, Enrollment.course_id, Enrollment.class_id),
        defaultload(RenewalReminder.enrollment).defaultload(Enrollment.course).load_only(Course.id, Course.name),
        defaultload(RenewalReminder.enrollment).defaultload(Enrollment.class_group).load_only(ClassGroup.id,
                                                                                             ClassGroup.name))
    return worklist(query, LIMIT)


def active_students(user: User) -> int:
    return db.session.scalar(select(func.count()).select_from(Student).where(
        scope_clause(Student, user), Student.status == StudentStatus.ACTIVE))


def dashboard_summary(user: User, day: SchoolDay) -> dict:
    """Everything the start page shows for this user: lead worklists for the sales side, then students, and the
    day's lessons (a teacher: their week, with the sheets to take and the students on leave)."""
    summary: dict = {}
    if in_roles(user, SALES_SIDE):
        summary["leads_per_stage"] = leads_per_stage(user)
        summary["worklists"] = {
            "overdue": overdue_followups(user, day),
            "followups": todays_followups(user, day),
            "visits": todays_visits(user, day),
            "trials": todays_trials(user, day),
        }
    summary["active_students"] = active_students(user)
    if is_teacher(user):  # their week, today's lessons among it
        from eduflow.dashboard.week import teacher_week  # it builds on this module's worklists

        summary["week"] = teacher_week(user, day)
    else:
        summary["todays_lessons"] = todays_lessons(user, day)
    if in_roles(user, MARKERS):  # parents' leave requests for their lessons (a teacher) or their campus
        summary["leave_requests"] = upcoming_requests(user, day.date)
    if in_roles(user, SALES_SIDE):
        summary["reminders"] = renewal_reminders(user)
    if is_office(user):
        summary["pending_approvals"] = pending_count(user)
    return summary
