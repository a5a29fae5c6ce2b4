"""Messages as the outbox leaves them, written directly for the staff views' tests (sent, pending, retrying, failed)."""
from __future__ import annotations

import datetime as dt
import itertools

from eduflow.extensions import db
from eduflow.models import (
    DeliveryStatus, Notification, NotificationChannel as Channel, NotificationKind as Kind, utcnow,
)

_keys = itertools.count(1)


def message(student, account=None, *, channel: Channel = Channel.EMAIL, status: DeliveryStatus = DeliveryStatus.SENT,
            kind: Kind = Kind.LESSON_DEDUCTED, attempts: int = 1, last_error: str = "", minutes_ago: int = 0,
            body: str = "王小明 于 2026-12-01 09:00 上课（出勤），扣除 1 课时，少儿英语 剩余 9 课时。",
            send_after: dt.datetime | None = None, campus_id: int | None = None) -> Notification:
    """One message about `student` to `account` (a parent account), added to the session."""
    now = utcnow() - dt.timedelta(minutes=minutes_ago)
    row = Notification(event_key=f"test:{next(_keys)}", recipient=f"p{account.id}" if account else "p0",
                       parent_account_id=account.id if account else None, student_id=student.id,
                       campus_id=campus_id or student.campus_id, kind=kind, channel=channel, status=status,
                       attempts=attempts, last_error=last_error, subject="课消通知：王小明", body=body,
                       created_at=now, send_after=send_after or now,
                       sent_at=now if status == DeliveryStatus.SENT else None)
    db.session.add(row)
    return row
