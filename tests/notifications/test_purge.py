"""`flask notifications purge --days N`: fanned-out events older than N days go, in batches; messages stay, events
still waiting stay, and a late retry of a purged event writes no second message."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select, update

from eduflow.extensions import db
from eduflow.models import Notification, NotificationEvent, NotificationKind as Kind, utcnow
from eduflow.notifications.outbox import notify_family
from eduflow.notifications.purge import purge_events

PARAMS = {"student": "王小明", "lesson": "12-01 09:00", "status": "出勤", "units": 1, "course": "少儿英语",
          "balance": 9}


def _events(count: int, family, days_ago: int, start: int = 0) -> None:
    for n in range(start, start + count):
        notify_family(Kind.LESSON_DEDUCTED, family.first, f"attendance:{n}:v1", PARAMS)
    db.session.commit()  # fanned out in place (EDUFLOW_QUEUE_IMMEDIATE)
    db.session.execute(update(NotificationEvent).where(NotificationEvent.event_key.in_(
        [f"attendance:{n}:v1" for n in range(start, start + count)]))
        .values(created_at=utcnow() - dt.timedelta(days=days_ago)))
    db.session.commit()


def _count(model) -> int:
    return db.session.scalar(select(func.count(model.id)))


def test_old_fanned_out_events_go_in_batches_and_the_messages_stay(family):
    _events(5, family, days_ago=100)
    _events(2, family, days_ago=10, start=5)
    waiting = NotificationEvent(event_key="attendance:99:v1", kind=Kind.LESSON_DEDUCTED, student_id=family.first.id,
                                campus_id=family.first.campus_id, params=PARAMS,
                                created_at=utcnow() - dt.timedelta(days=200))  # never fanned out: kept
    db.session.add(waiting)
    db.session.commit()
    assert (_count(NotificationEvent), _count(Notification)) == (8, 7)
    assert purge_events(days=90, batch=2) == 5
    assert _count(NotificationEvent) == 3 and _count(Notification) == 7
    kept = set(db.session.scalars(select(NotificationEvent.event_key)))
    assert kept == {"attendance:5:v1", "attendance:6:v1", "attendance:99:v1"}


def test_a_purged_event_repeated_later_writes_no_second_message(family):
    _events(1, family, days_ago=100)
    assert purge_events(days=90) == 1
    notify_family(Kind.LESSON_DEDUCTED, family.first, "attendance:0:v1", PARAMS)  # a very late retry
    db.session.commit()
    assert _count(Notification) == 1


def test_the_command_takes_the_days_and_refuses_nonsense(runner, family):
    _events(3, family, days_ago=40)
    result = runner.invoke(args=["notifications", "purge"])
    assert result.exit_code == 0 and "Deleted 0 notification events older than 90 days" in result.output
    result = runner.invoke(args=["notifications", "purge", "--days", "30", "--batch", "2"])
    assert result.exit_code == 0 and "Deleted 3 notification events" in result.output, result.output
    assert _count(NotificationEvent) == 0 and _count(Notification) == 3
    for bad in (["--days", "0"], ["--days", "abc"], ["--batch", "0"]):
        result = runner.invoke(args=["notifications", "purge", *bad])
        assert result.exit_code == 2, (bad, result.output)
