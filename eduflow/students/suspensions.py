"""休学 and 复学 by their dates. `Student.suspended_on(day)` is the one rule: rosters, marking and reminders read
the dates directly; the student's status follows them, set when an approval takes effect at once and otherwise
by the scheduled job on the day (休学 starts, or the planned return is reached).
"""
from __future__ import annotations

import datetime as dt

from flask_babel import gettext as _
from sqlalchemy import select, update

from eduflow.domain import DomainError
from eduflow.i18n import school_date
from eduflow.extensions import db
from eduflow.system_texts import coded
from eduflow.models import (
    ApprovalStatus, Campus, Settings, StatusChange, StatusChangeKind, Student, StudentStatus,
)

Kind = StatusChangeKind
LONGEST_AHEAD = dt.timedelta(days=366)  # a 休学 starts within a year; a planned return lies within two


def suspension_open(student: Student, today: dt.date) -> bool:
    """An approved 休学 that is not over yet: under way, or still to start."""
    return student.suspended_from is not None and (student.returns_on is None or student.returns_on > today)


def check_suspension_request(student: Student, kind: StatusChangeKind, start: dt.date | None,
                             planned_return: dt.date | None, today: dt.date) -> dt.date | None:
    """The dates of a 休学 or 复学 request, checked; returns its effective day (today when not given)."""
    if kind not in (Kind.SUSPEND, Kind.RESUME):
        return None
    if kind == Kind.SUSPEND and suspension_open(student, today):
        raise DomainError(_("学员已安排自 %(date)s 起休学，不能重复申请。", date=student.suspended_from.isoformat()))
    if kind == Kind.RESUME and student.status != StudentStatus.SUSPENDED and not suspension_open(student, today):
        raise DomainError(_("学员没有休学安排，不能办理复学。"))
    day = start or today
    if day < today:
        raise DomainError(_("日期不能早于今天（%(today)s）：已考勤的课节保持不变。", today=today.isoformat()))
    if day > today + LONGEST_AHEAD:
        raise DomainError(_("日期须在一年以内。"))
    if planned_return is not None and kind == Kind.SUSPEND:
        if planned_return <= day:
            raise DomainError(_("计划复学日期须晚于休学开始日期。"))
        if planned_return > day + 2 * LONGEST_AHEAD:
            raise DomainError(_("计划复学日期须在休学开始后两年以内。"))
    return day


def apply_suspension(change: StatusChange, student: Student, today: dt.date) -> None:
    """An approved 休学 sets the dates; an approved 复学 ends it on its day (or calls off one not yet begun).
    The status follows the rule for today; a later day is the job's."""
    if change.kind == Kind.SUSPEND:
        student.suspended_from, student.returns_on = change.effective_on or today, change.planned_return_on
    else:
        end_suspension(student, change.effective_on or today)
    student.status = StudentStatus.SUSPENDED if student.suspended_on(today) else StudentStatus.ACTIVE


def end_suspension(student: Student, back: dt.date) -> None:
    """The 休学 is over from `back` (the first day back); one that would only start then is called off."""
    if student.suspended_from is None or back <= student.suspended_from:
        student.suspended_from = student.returns_on = None
    else:
        student.returns_on = back


def leave_suspension(student: Student, today: dt.date) -> None:
    """A student who leaves (毕业, 退费) is no longer 休学 from today, so a later enrolment is not frozen."""
    if suspension_open(student, today):
        end_suspension(student, today)


def suspension_dates(campus: Campus, settings: Settings, now: dt.datetime, dry_run: bool) -> list[str]:
    """The job rule: a 休学 whose start has come sets the status; a planned return reached brings the student
    back, recorded as an approved 复学. Conditional updates, so a second run finds nothing left to do."""
    today = school_date(now)
    mine = (Student.campus_id == campus.id, Student.deleted_at.is_(None))
    starting = db.session.execute(select(Student.id, Student.name).where(
        *mine, Student.status == StudentStatus.ACTIVE, Student.suspended_on(today)).order_by(Student.id)).all()
    returning = db.session.execute(select(Student.id, Student.name, Student.returns_on).where(
        *mine, Student.status == StudentStatus.SUSPENDED, Student.returns_on <= today).order_by(Student.id)).all()
    lines = []
    for student_id, name in starting:
        if dry_run or _flip(student_id, StudentStatus.ACTIVE, StudentStatus.SUSPENDED, Student.suspended_on(today)):
            lines.append(f"suspension: student {student_id} {name} starts 休学")
    for student_id, name, returns_on in returning:
        back_on_that_day = Student.returns_on == returns_on
        if dry_run or _flip(student_id, StudentStatus.SUSPENDED, StudentStatus.ACTIVE, back_on_that_day):
            if not dry_run:
                _record_return(student_id, returns_on, now)
            lines.append(f"suspension: student {student_id} {name} returns on {returns_on.isoformat()}")
    return lines


def _flip(student_id: int, old: StudentStatus, new: StudentStatus, still_due) -> bool:
    """Change the status only if it is still `old` and the dates still say so; whether this run did it."""
    return db.session.execute(
        update(Student).where(Student.id == student_id, Student.status == old, still_due)
        .values(status=new).execution_options(synchronize_session=False)).rowcount == 1


def _record_return(student_id: int, returns_on: dt.date, now: dt.datetime) -> None:
    """The automatic 复学, unless an approved 复学 already set this day (its approval is the record)."""
    if db.session.scalar(select(StatusChange.id).where(
            StatusChange.student_id == student_id, StatusChange.kind == Kind.RESUME,
            StatusChange.approval_status == ApprovalStatus.APPROVED, StatusChange.effective_on == returns_on).limit(1)):
        return
    db.session.add(StatusChange(
        student_id=student_id, kind=Kind.RESUME, old_status=StudentStatus.SUSPENDED, new_status=StudentStatus.ACTIVE,
        reason=coded("planned_return", date=returns_on.isoformat()), requested_at=now, effective_on=returns_on,
        approval_status=ApprovalStatus.APPROVED, approved_at=now))
