"""What a mark tells the family (通知): 课消通知 for 出勤/迟到 with the units taken and the balance after, an
absence alert for 缺勤, 请假 confirmed, and a corrected mark with the figures after it — one outbox event per changed
mark, all of a sheet's in the one INSERT (eduflow.notifications.outbox).

A mark that takes a balance below zero (欠课时) also tells the family of the urgent renewal reminder the sheet has just
raised or escalated (eduflow.notifications.family_events, keyed on that reminder, as the job keys it). A balance that
only reaches the campus's low-hours threshold is left to the renewal job (run from cron every few minutes): the sheet
raises no reminder then, and the 课消通知 already says what is left."""
from __future__ import annotations

from sqlalchemy import select

from eduflow.extensions import db
from eduflow.models import (
    AttendanceStatus as Status, NotificationKind as Kind, ReminderKind, ReminderStatus, RenewalReminder,
)
from eduflow.notifications.family_events import Prompt, lesson_label, portal_path, renewal_prompts
from eduflow.notifications.outbox import Event, record_events

KINDS = {Status.PRESENT: Kind.LESSON_DEDUCTED, Status.LATE: Kind.LESSON_DEDUCTED, Status.ABSENT: Kind.ABSENT,
         Status.LEAVE: Kind.LEAVE_CONFIRMED}


def tell_families(lesson, changes: list[tuple]) -> None:
    """`changes`: (student, mark, old status or None, units moved (negative: taken), balance after) per changed
    mark, after it is written (the mark's id and new version name the event, so a retry writes nothing twice)."""
    group = lesson.class_group
    when = lesson_label(lesson.lesson_date, lesson.start_time, group.name)
    link = portal_path("parent.hours")
    events = []
    for student, mark, old, moved, balance in changes:
        kind = Kind.MARK_CORRECTED if old is not None and old != mark.status else KINDS[mark.status]
        params = {"student": student.name, "lesson": when, "status": mark.status, "units": -moved,
                  "course": group.course.name, "balance": balance}
        events.append(Event(kind, f"attendance:{mark.id}:v{mark.version}", params, student_id=student.id,
                            campus_id=group.campus_id, link=link))
    record_events(events)
    _tell_owing(group, changes)


def _tell_owing(group, changes: list[tuple]) -> None:
    """The marks that took a balance from zero or more to below zero: the family hears of the enrolment's pending,
    now urgent, low-hours reminder (one SELECT, only when a balance crossed)."""
    crossed = {mark.enrollment_id: (student, balance) for student, mark, _old, moved, balance in changes
               if moved < 0 and balance < 0 <= balance - moved}
    if not crossed:
        return
    reminders = db.session.execute(select(RenewalReminder.id, RenewalReminder.enrollment_id).where(
        RenewalReminder.enrollment_id.in_(sorted(crossed)), RenewalReminder.kind == ReminderKind.LOW_HOURS,
        RenewalReminder.status == ReminderStatus.PENDING).order_by(RenewalReminder.id)).all()
    first = {}
    for reminder_id, enrollment_id in reminders:
        first.setdefault(enrollment_id, reminder_id)
    renewal_prompts([Prompt(reminder_id, ReminderKind.LOW_HOURS, crossed[enrollment_id][0].id,
                            crossed[enrollment_id][0].name, crossed[enrollment_id][0].campus_id, enrollment_id,
                            group.course.name, crossed[enrollment_id][1], urgent=True)
                     for enrollment_id, reminder_id in first.items()])
