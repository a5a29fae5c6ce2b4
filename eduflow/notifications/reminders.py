"""上课提醒: the evening before, from each campus's reminder time (Settings.reminder_time, on the school's clock), the
family of every student on a lesson of tomorrow hears when, where and with whom — recorded by a huey periodic task
every few minutes in the worker, or by hand with `flask --app eduflow notifications remind [--date]`.

A run costs a few statements whatever the number of lessons: the campuses and their settings, one SELECT of the
(lesson, student) pairs still to remind, one INSERT of their events. The event key (reminder:date:lesson:student)
makes every later run that evening, or a second worker's, write nothing; a lesson moved to another day is reminded
again for its new date. Students 休学 that day, and those who asked leave for the lesson, are not reminded.
"""
from __future__ import annotations

import datetime as dt

from huey import crontab
from sqlalchemy import String, and_, exists, literal, select, type_coerce, union

from eduflow.extensions import db
from eduflow.i18n import from_utc
from eduflow.models import (
    Attendance, AttendanceStatus, Campus, Classroom, ClassGroup, Enrollment, EnrollmentStatus, LeaveRequest, Lesson,
    Makeup, MakeupStatus, NotificationEvent, NotificationKind as Kind, Settings, Student, User, utcnow,
)
from eduflow.notifications.family_events import lesson_label, portal_path, reachable, to_be_announced
from eduflow.notifications.outbox import Event, record_events
from eduflow.notifications.queue import huey

EVERY_MINUTES = 5
DEFAULT_TIME = Settings.__table__.c.reminder_time.default.arg


@huey.periodic_task(crontab(minute=f"*/{EVERY_MINUTES}"))
def remind_task() -> None:
    """In the worker, every few minutes: the reminders that are due (sweep_reminders)."""
    from eduflow.notifications.delivery import worker_context

    with worker_context():
        sweep_reminders()


def sweep_reminders(now: dt.datetime | None = None) -> int:
    """Remind of tomorrow's lessons at the campuses whose reminder time has passed today (school's clock), of those
    not reminded yet; committed. Returns how many reminders were recorded."""
    now = now or utcnow()
    local = from_utc(now)
    campus_ids = due_campuses(local.time())
    count = remind_lessons(local.date() + dt.timedelta(days=1), campus_ids, now) if campus_ids else 0
    db.session.commit()
    return count


def remind_now(day: dt.date, now: dt.datetime | None = None) -> int:
    """By hand (ops): remind of `day`'s lessons not yet begun at every active campus, whatever the hour; committed."""
    campus_ids = list(db.session.scalars(select(Campus.id).where(Campus.is_active).order_by(Campus.id)))
    count = remind_lessons(day, campus_ids, now or utcnow())
    db.session.commit()
    return count


def due_campuses(clock: dt.time) -> list[int]:
    """Active campuses whose reminder time (their own setting, else the school's default row, else 19:00) is at or
    before `clock`: one statement."""
    rows = db.session.execute(
        select(Campus.id, Settings.campus_id, Settings.reminder_time)
        .outerjoin(Settings, (Settings.campus_id == Campus.id) | Settings.campus_id.is_(None))
        .where(Campus.is_active).order_by(Campus.id, Settings.id)).all()
    times: dict[int, dict] = {}
    for campus_id, owner, at in rows:
        times.setdefault(campus_id, {}).setdefault(owner, at)  # the first row of each, as settings_for picks
    return [campus_id for campus_id, found in times.items()
            if (found.get(campus_id) or found.get(None) or DEFAULT_TIME) <= clock]


def remind_lessons(day: dt.date, campus_ids: list[int], now: dt.datetime) -> int:
    """Record a reminder for every student on a lesson of `day` at these campuses, not begun at `now` and not yet
    reminded: one SELECT, one INSERT. Returns how many."""
    if not campus_ids:
        return 0
    local = from_utc(now)
    if day < local.date():
        return 0
    rows = db.session.execute(_to_remind(day, campus_ids, local.time() if day == local.date() else None)).all()
    link = portal_path("parent.timetable")
    record_events([
        Event(Kind.LESSON_REMINDER, _key(day, lesson_id, student_id),
              {"student": student, "lesson": lesson_label(day, start, class_name),
               "classroom": to_be_announced(room), "teacher": to_be_announced(teacher)},
              student_id=student_id, campus_id=campus_id, link=link)
        for lesson_id, start, class_name, campus_id, room, teacher, student_id, student in rows])
    return len(rows)


def _key(day: dt.date, lesson_id: int, student_id: int) -> str:
    return f"reminder:{day.isoformat()}:{lesson_id}:{student_id}"


def _to_remind(day: dt.date, campus_ids: list[int], after: dt.time | None):
    """The (lesson, student) pairs of the day's lessons to remind of: the class's active enrolments and the makeups
    booked into the lesson (the sheet's roster), less those 休学 that day, on leave for it (asked by the parent or
    marked 请假 ahead), without a family on the portal, or whose reminder is already written."""
    on_roster = union(
        select(Lesson.id.label("lesson_id"), Enrollment.student_id.label("student_id"))
        .join(Enrollment, and_(Enrollment.class_id == Lesson.class_id, Enrollment.status == EnrollmentStatus.ACTIVE))
        .where(Lesson.lesson_date == day),
        select(Makeup.lesson_id, Makeup.student_id).join(Lesson, Lesson.id == Makeup.lesson_id)
        .where(Lesson.lesson_date == day, Makeup.status == MakeupStatus.BOOKED)).subquery()
    # The ids are joined in as numbers, not CAST: MariaDB gives a CAST the connection's collation, which then
    # clashes with the event_key column's (type_coerce only tells SQLAlchemy to join them as text).
    key = (literal(f"reminder:{day.isoformat()}:") + type_coerce(on_roster.c.lesson_id, String) + literal(":")
           + type_coerce(on_roster.c.student_id, String))
    asked_leave = exists().where(LeaveRequest.lesson_id == on_roster.c.lesson_id,
                                 LeaveRequest.student_id == on_roster.c.student_id, LeaveRequest.withdrawn_at.is_(None))
    marked_leave = exists().where(Attendance.lesson_id == on_roster.c.lesson_id,
                                  Attendance.student_id == on_roster.c.student_id,
                                  Attendance.status == AttendanceStatus.LEAVE)
    query = (
        select(Lesson.id, Lesson.start_time, ClassGroup.name, ClassGroup.campus_id, Classroom.name, User.display_name,
               Student.id, Student.name)
        .select_from(on_roster)
        .join(Lesson, Lesson.id == on_roster.c.lesson_id)
        .join(ClassGroup, ClassGroup.id == Lesson.class_id)
        .join(Student, Student.id == on_roster.c.student_id)
        .outerjoin(Classroom, Classroom.id == Lesson.classroom_id)
        .outerjoin(User, User.id == Lesson.teacher_id)
        .where(ClassGroup.campus_id.in_(campus_ids), Student.deleted_at.is_(None), ~Student.suspended_on(day),
               ~asked_leave, ~marked_leave, reachable(Student.id),
               ~exists().where(NotificationEvent.event_key == key))
        .order_by(Lesson.start_time, Lesson.id, Student.id))
    return query.where(Lesson.start_time > after) if after is not None else query
