"""What the family hears besides the marks (通知): the payment receipt (缴费凭证), a lesson moved or cancelled (调课,
停课) and the renewal prompts (课时不足, 合同到期). The evening-before reminder is eduflow.notifications.reminders'.

Each producer writes its outbox events in the caller's transaction, all of them in one INSERT
(eduflow.notifications.outbox), so they are rolled back with the change; the event key names the occasion itself
(the payment, the move from one placement to another, the reminder), so a retry, a double submit or a concurrent
copy of the same change writes nothing twice.
"""
from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

from flask import current_app, has_request_context, url_for
from sqlalchemy import exists, or_, select

from eduflow.extensions import db
from eduflow.models import (
    NotificationKind as Kind, Parent, ParentAccount, ReminderKind, Student,
)
from eduflow.notifications.outbox import Event, record_events
from eduflow.system_texts import coded

RENEWAL_KINDS = {ReminderKind.LOW_HOURS: Kind.LOW_BALANCE, ReminderKind.CONTRACT_EXPIRY: Kind.CONTRACT_EXPIRING}


# ---------- shared words ----------

def lesson_label(day: dt.date, start: dt.time, class_name: str) -> str:
    """A lesson as a message names it: 2026-12-03 09:00 英语一班."""
    return f"{day.isoformat()} {start:%H:%M} {class_name}"


def to_be_announced(name: str | None) -> str:
    """A classroom or teacher not yet chosen reads 待定 / TBA in the reader's language."""
    return name or coded("to_be_announced")


def portal_path(endpoint: str, **values) -> str:
    """A parent-portal page's path (the inbox's link), built from its route outside a request too."""
    if has_request_context() or current_app.config.get("SERVER_NAME"):
        return url_for(endpoint, **values)
    root = current_app.config.get("APPLICATION_ROOT") or "/"
    return current_app.url_map.bind("localhost", script_name=root).build(endpoint, values)


def portal_address(endpoint: str, **values) -> str:
    """The address a message's text names: absolute where the app knows its own (a request, SERVER_NAME), so an
    e-mail's link opens; else the path."""
    if has_request_context() or current_app.config.get("SERVER_NAME"):
        return url_for(endpoint, _external=True, **values)
    return portal_path(endpoint, **values)


def reachable(student_id):
    """Whether the student has a family that reads the portal (a parent account of a linked, unrevoked phone): events
    for the others would become no message."""
    return exists(select(Parent.id).join(ParentAccount, ParentAccount.phone_hash == Parent.phone_hash).where(
        Parent.student_id == student_id, Parent.portal_revoked_at.is_(None), ParentAccount.is_active.is_(True)))


def _digest(*parts) -> str:
    return hashlib.sha1("|".join(map(str, parts)).encode()).hexdigest()[:12]


# ---------- 缴费凭证 ----------

def payment_received(payment, enrollment) -> None:
    """The family's receipt of a payment (never of a refund: see record_payment), once per payment row."""
    student = enrollment.student
    link = portal_path("parent.payments_receipt", payment_id=payment.id)
    params = {"student": student.name, "course": enrollment.course.name, "amount": f"{payment.amount:.2f}",
              "link": portal_address("parent.payments_receipt", payment_id=payment.id)}
    record_events([Event(Kind.PAYMENT_RECEIVED, f"payment:{payment.id}", params, student_id=student.id,
                         campus_id=student.campus_id, link=link)])


# ---------- 调课 and 停课 ----------

@dataclass(frozen=True)
class Placement:
    """When, where and with whom a lesson takes place: what its families are told about when it changes."""

    day: dt.date
    start: dt.time
    end: dt.time
    teacher_id: int | None
    classroom_id: int | None
    stamp: dt.datetime | None = None  # the lesson's updated_at: a move back and forth again is a new occasion

    def key(self) -> tuple:
        """What the family is told about (the topic and the stamp are not)."""
        return self.day, self.start, self.end, self.teacher_id, self.classroom_id


def placement(lesson) -> Placement:
    return Placement(lesson.lesson_date, lesson.start_time, lesson.end_time, lesson.teacher_id, lesson.classroom_id,
                     lesson.updated_at)


def lesson_moved(lesson, before: Placement, *, teacher: str | None, classroom: str | None) -> None:
    """调课: the families of the lesson's roster hear its new date, time, room and teacher (urgent: quiet hours too),
    only when one of them changed; `teacher`, `classroom`: the new ones' names."""
    after = placement(lesson)
    if after.key() == before.key():
        return
    when = f"{after.day.isoformat()} {after.start:%H:%M}–{after.end:%H:%M}"
    change = coded("lesson_moved", when=when, room=to_be_announced(classroom), teacher=to_be_announced(teacher))
    occasion = _digest(before.key(), after.key(), before.stamp)
    _tell_roster(lesson, before, {before.day, after.day}, f"lesson:{lesson.id}:moved:{occasion}", change)


def lesson_cancelled(lesson) -> None:
    """停课: before the lesson is removed, the families of its roster hear it is cancelled (urgent)."""
    before = placement(lesson)
    occasion = _digest(before.key(), lesson.class_id)
    _tell_roster(lesson, before, {before.day}, f"lesson:{lesson.id}:cancelled:{occasion}", coded("lesson_cancelled"))


def _tell_roster(lesson, before: Placement, days: set[dt.date], key: str, change: str) -> None:
    """One LESSON_CHANGED per student of the lesson's roster (the class's active enrolments and makeups booked into
    it, as the sheet has them) not 休学 on every one of `days`: one SELECT, one INSERT."""
    from eduflow.attendance.roster import sheet_students  # imported here: attendance imports the notifications

    group = lesson.class_group
    on_roster = sheet_students(lesson).subquery()
    students = db.session.execute(
        select(Student.id, Student.name).join(on_roster, on_roster.c.student_id == Student.id)
        .where(Student.deleted_at.is_(None), or_(*(~Student.suspended_on(day) for day in sorted(days))),
               reachable(Student.id))
        .order_by(Student.id)).all()
    label = lesson_label(before.day, before.start, group.name)
    link = portal_path("parent.timetable")
    record_events([Event(Kind.LESSON_CHANGED, f"{key}:{student_id}", {"student": name, "lesson": label,
                                                                       "change": change},
                         student_id=student_id, campus_id=group.campus_id, link=link)
                   for student_id, name in students])


# ---------- 课时不足 and 合同到期 ----------

@dataclass(frozen=True)
class Prompt:
    """A renewal reminder as its family hears of it."""

    reminder_id: int
    kind: ReminderKind
    student_id: int
    student_name: str
    campus_id: int | None
    enrollment_id: int
    course: str
    balance: int
    expiry: dt.date | None = None
    urgent: bool = False  # the balance went below zero on a reminder the family already heard of


def renewal_prompts(prompts: list[Prompt]) -> None:
    """The families hear of renewal reminders, once per reminder (and once more when it turns urgent): one INSERT."""
    events = []
    for prompt in prompts:
        params = {"student": prompt.student_name, "course": prompt.course, "balance": prompt.balance}
        if prompt.kind == ReminderKind.CONTRACT_EXPIRY:
            params["expiry"] = prompt.expiry.isoformat() if prompt.expiry else ""
        key = f"renewal:{prompt.reminder_id}" + (":urgent" if prompt.urgent else "")
        events.append(Event(RENEWAL_KINDS[prompt.kind], key, params, student_id=prompt.student_id,
                            campus_id=prompt.campus_id,
                            link=portal_path("parent.hours_detail", enrollment_id=prompt.enrollment_id)))
    record_events(events)
