"""The parent's inbox (消息): messages about their children, newest first, and which kinds they want."""
from __future__ import annotations

from sqlalchemy import delete, func, select, update

from eduflow.extensions import db
from eduflow.models import (
    Notification, NotificationChannel as Channel, NotificationKind as Kind, NotificationPreference, utcnow,
)
from eduflow.notifications.outbox import ALWAYS_SENT

LATEST = 50
PARENT_KINDS = (Kind.LESSON_DEDUCTED, Kind.ABSENT, Kind.LEAVE_CONFIRMED, Kind.MARK_CORRECTED, Kind.LESSON_REMINDER,
                Kind.LESSON_CHANGED, Kind.LOW_BALANCE, Kind.CONTRACT_EXPIRING, Kind.PAYMENT_RECEIVED)
OPTIONAL_KINDS = tuple(kind for kind in PARENT_KINDS if kind not in ALWAYS_SENT)


def _mine(account_id: int):
    return (Notification.parent_account_id == account_id) & (Notification.channel == Channel.INBOX)


def latest_messages(account_id: int) -> list[Notification]:
    return list(db.session.scalars(select(Notification).where(_mine(account_id))
                                   .order_by(Notification.created_at.desc(), Notification.id.desc()).limit(LATEST)))


def unread_count(account_id: int) -> int:
    return db.session.scalar(select(func.count(Notification.id)).where(_mine(account_id),
                                                                        Notification.read_at.is_(None)))


def mark_all_read(account_id: int) -> None:
    db.session.execute(update(Notification).where(_mine(account_id), Notification.read_at.is_(None))
                       .values(read_at=utcnow()))


def turned_off(account_id: int) -> set[Kind]:
    return set(db.session.scalars(select(NotificationPreference.kind).where(
        NotificationPreference.parent_account_id == account_id, NotificationPreference.enabled.is_(False))))


def save_preferences(account_id: int, wanted: set[Kind]) -> None:
    """Keep the kinds in `wanted` on and turn the other optional kinds off (receipts always stay on)."""
    db.session.execute(delete(NotificationPreference).where(NotificationPreference.parent_account_id == account_id))
    db.session.add_all(NotificationPreference(parent_account_id=account_id, kind=kind, enabled=False)
                       for kind in OPTIONAL_KINDS if kind not in wanted)
