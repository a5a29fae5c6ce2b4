"""Where staff see parents' leave requests (请假, eduflow/attendance/leave.py): on the pre-marked row of the sheet, on
the teacher's and the academic staff's dashboard (the upcoming ones of their lessons / campus) and on the student's
page. Always through the scope (scoped(LeaveRequest)); who asked is the child's Parent row carrying the account's
phone (its name and relationship), read in the same statement.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import contains_eager

from eduflow.access import is_teacher, scoped, taught_lessons
from eduflow.extensions import db
from eduflow.forms import with_aside
from eduflow.models import AttendanceStatus, ClassGroup, LeaveRequest, Lesson, Parent, ParentAccount, Student, User

UPCOMING_LIMIT = 20  # requests listed on a dashboard; the sheets hold the rest
STUDENT_LIMIT = 30  # the latest requests on a student's page


@dataclass(frozen=True)
class LeaveNote:
    """One leave request as staff read it: who asked (the parent's name and relationship, if still linked)."""

    leave: LeaveRequest
    parent_name: str | None
    relationship: str | None

    @property
    def asked_by(self) -> str:
        if not self.parent_name:
            return ""
        return with_aside(self.parent_name, self.relationship) if self.relationship else self.parent_name


def _with_parent(query):
    """The query's leave requests joined to the child's Parent row carrying the asking account's phone."""
    return (query.outerjoin(ParentAccount, ParentAccount.id == LeaveRequest.parent_account_id)
            .outerjoin(Parent, (Parent.student_id == LeaveRequest.student_id)
                       & (Parent.phone_hash == ParentAccount.phone_hash))
            .add_columns(Parent.name, Parent.relationship_))


def _notes(query) -> list[LeaveNote]:
    notes, seen = [], set()
    for leave, name, relationship in db.session.execute(_with_parent(query)).unique():
        if leave.id not in seen:  # two Parent rows of one child with one phone: the first
            seen.add(leave.id)
            notes.append(LeaveNote(leave, name, relationship))
    return notes


def sheet_notes(lesson: Lesson) -> dict[int, LeaveNote]:
    """The lesson's standing leave requests, by student: what the pre-marked rows of its sheet show."""
    query = select(LeaveRequest).where(LeaveRequest.lesson_id == lesson.id, LeaveRequest.withdrawn_at.is_(None))
    return {note.leave.student_id: note for note in _notes(query.order_by(LeaveRequest.id))}


class SheetLeaveNotes:
    """The sheet's leave notes, read once and only when a drawn row shows a parent's pre-mark (most sheets draw
    none, and a teacher's tap never does), so the sheet's statements stay as they were."""

    def __init__(self, lesson: Lesson):
        self.lesson, self.found = lesson, None

    def of(self, row) -> LeaveNote | None:
        mark = row.attendance
        if mark is None or mark.recorded_by_id is not None or mark.status != AttendanceStatus.LEAVE:
            return None
        if self.found is None:
            self.found = sheet_notes(self.lesson)
        return self.found.get(row.student.id)


def upcoming_requests(user: User, today: dt.date, limit: int = UPCOMING_LIMIT) -> tuple[list[LeaveNote], int]:
    """The standing leave requests for lessons from today on, soonest first: a teacher's of their own lessons,
    academic staff's and managers' of their campus (scope); with how many there are in all."""
    query = (scoped(LeaveRequest, user).join(Lesson, Lesson.id == LeaveRequest.lesson_id)
             .join(Student, Student.id == LeaveRequest.student_id)
             .where(LeaveRequest.withdrawn_at.is_(None), Lesson.lesson_date >= today))
    if is_teacher(user):
        query = query.where(taught_lessons(user))
    total = db.session.scalar(select(func.count()).select_from(query.with_only_columns(LeaveRequest.id).subquery()))
    if not total:
        return [], 0
    query = (query.options(contains_eager(LeaveRequest.lesson).joinedload(Lesson.class_group).load_only(
        ClassGroup.id, ClassGroup.name), contains_eager(LeaveRequest.student).load_only(Student.id, Student.name))
             .order_by(Lesson.lesson_date, Lesson.start_time, LeaveRequest.id).limit(limit))
    return _notes(query), total


def student_requests(student: Student, user: User, limit: int = STUDENT_LIMIT) -> list[LeaveNote]:
    """The child's leave requests (withdrawn ones included), the latest lessons first."""
    query = (scoped(LeaveRequest, user).join(Lesson, Lesson.id == LeaveRequest.lesson_id)
             .where(LeaveRequest.student_id == student.id)
             .options(contains_eager(LeaveRequest.lesson).joinedload(Lesson.class_group).load_only(
                 ClassGroup.id, ClassGroup.name))
             .order_by(Lesson.lesson_date.desc(), Lesson.start_time.desc(), LeaveRequest.id.desc()).limit(limit))
    return _notes(query)


