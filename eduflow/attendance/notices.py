"""What a mark tells the family (通知): 课消通知 for 出勤/迟到 with the units taken and the balance after, an
absence alert for 缺勤, 请假 confirmed, and a corrected mark with the figures after it — one outbox event per changed
mark, all of a sheet's in the one INSERT (eduflow.notifications.outbox)."""
from __future__ import annotations

from eduflow.models import AttendanceStatus as Status, NotificationKind as Kind
from eduflow.notifications.outbox import Event, record_events

KINDS = {Status.PRESENT: Kind.LESSON_DEDUCTED, Status.LATE: Kind.LESSON_DEDUCTED, Status.ABSENT: Kind.ABSENT,
         Status.LEAVE: Kind.LEAVE_CONFIRMED}


def tell_families(lesson, changes: list[tuple]) -> None:
    """`changes`: (student, mark, old status or None, units moved (negative: taken), balance after) per changed
    mark, after it is written (the mark's id and new version name the event, so a retry writes nothing twice)."""
    group = lesson.class_group
    when = f"{lesson.lesson_date.isoformat()} {lesson.start_time:%H:%M} {group.name}"
    events = []
    for student, mark, old, moved, balance in changes:
        kind = Kind.MARK_CORRECTED if old is not None and old != mark.status else KINDS[mark.status]
        params = {"student": student.name, "lesson": when, "status": mark.status, "units": -moved,
                  "course": group.course.name, "balance": balance}
        events.append(Event(kind, f"attendance:{mark.id}:v{mark.version}", params, student_id=student.id,
                            campus_id=group.campus_id, link="/p/hours"))
    record_events(events)
