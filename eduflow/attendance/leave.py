"""请假 asked by a parent (家长端): up to the campus's cutoff before the lesson, it pre-marks 请假 on the sheet through
the sheet's own service (services.tap), so the mark does exactly what a teacher's 请假 does: the ledger effect the
campus's deducting statuses give it, and the makeup list (补课 is booked for 请假/缺勤 marks). Withdrawn before the
cutoff, it takes the pre-mark away again, as long as the sheet still shows it as the parent left it.

A pre-mark is recorded by nobody on the staff (recorded_by None): the sheet says 家长请假. One request per lesson and
student (a unique constraint); a withdrawn one is asked again by clearing withdrawn_at.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from eduflow.access.scopes import children_of
from eduflow.attendance.roster import load_sheet
from eduflow.attendance.services import SheetRules, lock_students, tap
from eduflow.attendance.settlement import fresh
from eduflow.domain import DomainError
from eduflow.extensions import db
from eduflow.i18n import from_utc
from eduflow.models import (
    Attendance, AttendanceStatus, LeaveRequest, Lesson, LessonLedgerEntry, Makeup, NotificationKind, Settings, Student,
    utcnow,
)
from eduflow.notifications.staff import leave_recipients, path_to, staff_events
from eduflow.settings import settings_for

REASON_MAX = 200  # characters: a line or two on the sheet


class LeaveRefused(DomainError):
    """The leave (or its withdrawal) is not possible online; the message says why."""


@dataclass(frozen=True)
class ParentMarker:
    """Who a parent's pre-mark is recorded by on the staff side: nobody (recorded_by None, shown 家长请假)."""

    id: None = None


PARENT = ParentMarker()


@dataclass(frozen=True)
class LeaveWindow:
    """Whether leave can still be asked (or withdrawn) online for a lesson: until `closes_at`, school time."""

    closes_at: dt.datetime  # naive, on the school's clock
    hours: int
    open: bool

    def closed_message(self) -> str:
        return _("开课前 %(hours)s 小时内不能在线请假（截止时间 %(deadline)s），请联系校区。", hours=self.hours,
                 deadline=self.closes_at.strftime("%Y-%m-%d %H:%M"))


def lesson_start(lesson: Lesson) -> dt.datetime:
    """When the lesson starts, on the school's clock (naive)."""
    return dt.datetime.combine(lesson.lesson_date, lesson.start_time)


def leave_window(lesson: Lesson, settings: Settings | None = None, now: dt.datetime | None = None) -> LeaveWindow:
    """The lesson's cutoff: the campus's leave_cutoff_hours before its start; `now` is naive UTC (default: now).
    Asking exactly at the cutoff is still in time."""
    settings = settings or settings_for(lesson.class_group.campus_id)
    hours = settings.leave_cutoff_hours if settings.leave_cutoff_hours is not None else 2
    closes_at = lesson_start(lesson) - dt.timedelta(hours=hours)
    return LeaveWindow(closes_at, hours, from_utc(now or utcnow()) <= closes_at)


def _rules(settings: Settings) -> SheetRules:
    """The sheet's rules for a parent's pre-mark: an upcoming lesson, where only 请假 can be registered."""
    return SheetRules(permitted=True, locked=False, future=True, settings=settings)


def _clean(reason: str | None) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise LeaveRefused(_("请填写请假原因。"))
    if len(reason) > REASON_MAX:
        raise LeaveRefused(_("请假原因最多 %(n)s 个字。", n=REASON_MAX))
    return reason


def _check_child(account, student: Student) -> None:
    if account is None or not db.session.scalar(select(Student.id).where(Student.id == student.id,
                                                                         children_of(account))):
        raise LeaveRefused(_("只能为自己的孩子请假。"))


def _check_sheet(lesson: Lesson, student: Student) -> None:
    """The child is on the lesson's sheet, not suspended, and not marked otherwise by the teacher."""
    row = load_sheet(lesson).row_of(student.id)
    if row is None or (not row.markable and not row.suspended):
        raise LeaveRefused(_("这节课不是%(name)s的课。", name=student.name))
    if row.suspended:
        raise LeaveRefused(_("%(name)s 正在休学，不需要请假。", name=student.name))
    if row.attendance is not None and row.attendance.status != AttendanceStatus.LEAVE:
        raise LeaveRefused(_("老师已记录%(name)s这节课的考勤（%(status)s），不能再请假。", name=student.name,
                             status=row.attendance.status.label))


def _request_of(lesson_id: int, student_id: int) -> LeaveRequest | None:
    return fresh(select(LeaveRequest).where(LeaveRequest.lesson_id == lesson_id,
                                            LeaveRequest.student_id == student_id))


def _already_asked() -> LeaveRefused:
    return LeaveRefused(_("已经为这节课请过假了。"))


def ask_leave(account, lesson: Lesson, student: Student, reason: str | None, *,
              now: dt.datetime | None = None) -> LeaveRequest:
    """请假 for an upcoming lesson of the child, up to the cutoff: pre-mark 请假 on the sheet and keep the request
    (the caller commits). Asking twice, or at once from two phones, gives one request; the other is refused."""
    reason = _clean(reason)
    _check_child(account, student)
    settings = settings_for(lesson.class_group.campus_id)
    window = leave_window(lesson, settings, now)
    if not window.open:
        raise LeaveRefused(window.closed_message())
    lock_students([student.id])  # asks and taps for this child take turns from here to the commit
    leave = _request_of(lesson.id, student.id)
    if leave is not None and leave.withdrawn_at is None:
        raise _already_asked()
    _check_sheet(lesson, student)
    tap(lesson, student.id, AttendanceStatus.LEAVE, by=PARENT, rules=_rules(settings), confirmed=True)
    leave = leave or LeaveRequest(lesson_id=lesson.id, student_id=student.id)
    leave.parent_account_id, leave.reason, leave.withdrawn_at, leave.created_at = account.id, reason, None, utcnow()
    db.session.add(leave)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise _already_asked() from None
    _tell_staff(leave, lesson, student)
    return leave


def _tell_staff(leave: LeaveRequest, lesson: Lesson, student: Student) -> None:
    """请假申请 for the lesson's teacher and the campus's academic staff, with a link to the sheet; each asking is
    its own event (asked again after a withdrawal: told again)."""
    group = lesson.class_group
    when = f"{lesson.lesson_date.isoformat()} {lesson.start_time:%H:%M} {group.name}"
    staff_events(NotificationKind.LEAVE_REQUESTED, leave_recipients(lesson),
                 f"leave:{leave.id}:{leave.created_at:%Y%m%d%H%M%S%f}",
                 {"student": student.name, "lesson": when, "reason": leave.reason}, campus_id=group.campus_id,
                 link=path_to("attendance.sheet", lesson_id=lesson.id))


def _check_pre_mark(leave: LeaveRequest) -> Attendance | None:
    """The pre-mark as the parent left it (None: no mark at all), else why it cannot be taken back online."""
    mark = fresh(select(Attendance).where(Attendance.lesson_id == leave.lesson_id,
                                          Attendance.student_id == leave.student_id))
    if mark is None:
        return None
    if mark.status != AttendanceStatus.LEAVE or mark.recorded_by_id is not None:
        raise LeaveRefused(_("老师已处理这次请假（考勤：%(status)s），不能在线撤回，请联系校区。",
                             status=mark.status.label))
    if fresh(select(Makeup.id).where(Makeup.missed_attendance_id == mark.id)):
        raise LeaveRefused(_("校区已为这次请假安排了补课，不能在线撤回，请联系校区。"))
    if fresh(select(func.count(LessonLedgerEntry.id)).where(LessonLedgerEntry.attendance_id == mark.id)):
        # The ledger is append-only: a mark that moved lessons is corrected on the sheet, not taken away.
        raise LeaveRefused(_("本校区请假也扣课时，撤回请假需由校区更正考勤，请联系校区。"))
    return mark


def withdraw_leave(account, leave: LeaveRequest, *, now: dt.datetime | None = None) -> LeaveRequest:
    """撤回请假 before the cutoff: take the pre-mark away if the sheet still shows it, and keep the request as
    withdrawn (the caller commits)."""
    _check_child(account, leave.student)
    lock_students([leave.student_id])
    leave = _request_of(leave.lesson_id, leave.student_id)
    if leave.withdrawn_at is not None:
        raise LeaveRefused(_("这次请假已经撤回了。"))
    window = leave_window(leave.lesson, now=now)
    if not window.open:
        raise LeaveRefused(_("开课前 %(hours)s 小时内不能在线撤回请假（截止时间 %(deadline)s），请联系校区。",
                             hours=window.hours, deadline=window.closes_at.strftime("%Y-%m-%d %H:%M")))
    mark = _check_pre_mark(leave)
    if mark is not None:
        db.session.delete(mark)
    leave.withdrawn_at = utcnow()
    db.session.flush()
    return leave
