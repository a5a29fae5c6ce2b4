"""The transactional outbox: `notify_family` and `notify_staff` write the messages of one event in the caller's
transaction (rolled back with it), at most once per event, recipient and channel; after the commit the queue is
told to deliver the ones that leave the app.
"""
from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import event, insert, select
from sqlalchemy.dialects import postgresql, sqlite

from eduflow.extensions import db
from eduflow.i18n import from_utc, to_utc
from eduflow.mail import mail_configured
from eduflow.models import (
    DeliveryStatus, Notification, NotificationChannel as Channel, NotificationKind as Kind, NotificationPreference,
    Parent, ParentAccount, Student, User, utcnow,
)
from eduflow.notifications.texts import render
from eduflow.settings import settings_for

URGENT = frozenset({Kind.ABSENT, Kind.LESSON_CHANGED})  # sent in quiet hours too
ALWAYS_SENT = frozenset({Kind.PAYMENT_RECEIVED})  # a parent cannot turn receipts off
_QUEUED = "eduflow_outbox"  # session.info key: the events whose messages the queue delivers after the commit


def notify_family(kind: Kind, student: Student, event_key: str, params: dict, link: str = "") -> int:
    """Messages about `student` to every parent account linked to the student (access not revoked), on the inbox
    and on each channel the campus switched on and the parent can receive; returns how many were new."""
    settings = settings_for(student.campus_id)
    rows = []
    for account, email in _families(student):
        if kind not in ALWAYS_SENT and _turned_off(account.id, kind):
            continue
        channels = [Channel.INBOX] + ([Channel.EMAIL] if email and settings.notify_email and mail_configured() else [])
        for channel in channels:
            rows.append(_row(kind, channel, event_key, params, link, account.locale, _send_after(kind, settings),
                             recipient=f"p{account.id}", parent_account_id=account.id, student_id=student.id,
                             campus_id=student.campus_id))
    return _insert_once(rows, event_key)


def notify_staff(kind: Kind, user: User, event_key: str, params: dict, link: str = "",
                 student: Student | None = None) -> int:
    """A message to a colleague, in the app only (the navigation's unread badge)."""
    return _insert_once([_row(kind, Channel.INBOX, event_key, params, link, user.locale, utcnow(),
                              recipient=f"u{user.id}", user_id=user.id, campus_id=user.campus_id,
                              student_id=student.id if student else None)], event_key)


def _families(student: Student) -> list[tuple[ParentAccount, str | None]]:
    """The accounts of the student's parents with access, each with that parent's e-mail (if any)."""
    rows = db.session.execute(
        select(ParentAccount, Parent.email).join(Parent, Parent.phone_hash == ParentAccount.phone_hash)
        .where(Parent.student_id == student.id, Parent.portal_revoked_at.is_(None), ParentAccount.is_active.is_(True))
        .order_by(ParentAccount.id)).all()
    seen, families = set(), []
    for account, email in rows:
        if account.id not in seen:
            seen.add(account.id)
            families.append((account, email))
    return families


def _turned_off(account_id: int, kind: Kind) -> bool:
    return db.session.scalar(select(NotificationPreference.id).where(
        NotificationPreference.parent_account_id == account_id, NotificationPreference.kind == kind,
        NotificationPreference.enabled.is_(False))) is not None


def _send_after(kind: Kind, settings, now: dt.datetime | None = None) -> dt.datetime:
    """Now, or, for a message that can wait, the end of the campus's quiet hours when it is written in them."""
    now = now or utcnow()
    if kind in URGENT:
        return now
    return quiet_until(settings.quiet_start, settings.quiet_end, now)


def quiet_until(start: dt.time, end: dt.time, now: dt.datetime) -> dt.datetime:
    """`now` (naive UTC) if it is outside the quiet hours start–end (school's clock, may span midnight), else
    the moment they end."""
    local = from_utc(now)
    clock = local.time()
    spans_midnight = start > end
    quiet = (clock >= start or clock < end) if spans_midnight else (start <= clock < end)
    if not quiet:
        return now
    day = local.date() + dt.timedelta(days=1) if spans_midnight and clock >= start else local.date()
    return to_utc(dt.datetime.combine(day, end))


def _row(kind: Kind, channel: Channel, event_key: str, params: dict, link: str, locale: str | None,
         send_after: dt.datetime, **recipient) -> dict:
    """One message, rendered in the recipient's language; the inbox is delivered by being written."""
    locale = locale or "zh_CN"
    subject, body = render(kind, params, locale)
    now = utcnow()
    inbox = channel == Channel.INBOX
    return {"parent_account_id": None, "user_id": None, "student_id": None, "campus_id": None, **recipient,
            "event_key": event_key, "kind": kind, "channel": channel, "locale": locale, "params": _plain(params),
            "subject": subject, "body": body, "link": link, "attempts": 0, "last_error": "", "created_at": now,
            "status": DeliveryStatus.SENT if inbox else DeliveryStatus.PENDING, "sent_at": now if inbox else None,
            "send_after": now if inbox else send_after, "read_at": None}


def _insert_once(rows: list[dict], event_key: str) -> int:
    """Insert the messages in one statement, leaving out any this event already wrote for the recipient and
    channel (a retry, a double submit, a concurrent request): the unique key decides, the caller's transaction
    stays whole. After the commit the queue is told about the event's messages that leave the app."""
    if not rows:
        return 0
    table = Notification.__table__
    dialect = db.session.get_bind().dialect.name
    if dialect == "postgresql":
        statement = postgresql.insert(table).on_conflict_do_nothing()
    elif dialect == "sqlite":
        statement = sqlite.insert(table).on_conflict_do_nothing()
    else:  # MariaDB / MySQL
        statement = insert(table).prefix_with("IGNORE")
    written = db.session.execute(statement, rows).rowcount
    if any(row["channel"] != Channel.INBOX for row in rows):
        queued = db.session.info.setdefault(_QUEUED, [])
        if event_key not in queued:
            queued.append(event_key)
    return written


def _plain(params: dict) -> dict:
    return {name: value.value if isinstance(value, enum.Enum) else value if isinstance(value, (int, float)) or
            value is None else str(value) for name, value in params.items()}


@event.listens_for(db.session, "after_commit")
def _hand_to_queue(session) -> None:
    events = session.info.pop(_QUEUED, None)
    if events:
        from eduflow.notifications.delivery import deliver_event

        for event_key in events:
            deliver_event(event_key)


@event.listens_for(db.session, "after_soft_rollback")
def _forget(session, previous_transaction) -> None:
    if previous_transaction.parent is None:  # the whole transaction, not a savepoint
        session.info.pop(_QUEUED, None)
