"""The transactional outbox: `record_events` (and the one-event helpers `notify_family`, `notify_staff`) write the
events in the caller's transaction, in one statement, rolled back with it and at most once per event key. After
the commit the queue fans each event out (`fan_out`): one message per recipient and channel, in the recipient's
language, then delivers the ones that leave the app.

So a change costs its request one INSERT whatever the size of the family or the number of channels; who hears
about it, and how, is decided in the background.
"""
from __future__ import annotations

import datetime as dt
import enum
import logging
from dataclasses import dataclass

from sqlalchemy import event, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from eduflow.extensions import db
from eduflow.i18n import from_utc, to_utc
from eduflow.mail import mail_configured
from eduflow.models import (
    DeliveryStatus, Notification, NotificationChannel as Channel, NotificationEvent, NotificationKind as Kind,
    NotificationPreference, Parent, ParentAccount, Settings, User, utcnow,
)
from eduflow.notifications import sms, wechat
from eduflow.notifications.texts import load_wording, render
from eduflow.system_texts import MESSAGES, coded

URGENT = frozenset({Kind.ABSENT, Kind.LESSON_CHANGED})  # sent in quiet hours too
ALWAYS_SENT = frozenset({Kind.PAYMENT_RECEIVED})  # a parent cannot turn receipts off
ENUM_PREFIX = "enum:"  # a stored enum parameter, "enum:StatusRequest:graduate": its label is said in the reader's language
_QUEUED = "eduflow_outbox"  # session.info key: the events to fan out after the commit


@dataclass(frozen=True)
class Event:
    """Something the family (student_id) or a colleague (user_id) should hear about."""

    kind: Kind
    event_key: str
    params: dict
    student_id: int | None = None
    user_id: int | None = None
    campus_id: int | None = None
    link: str = ""


def record_events(events: list[Event]) -> None:
    """Write the events in one INSERT, leaving out any already written (a retry, a double submit, a concurrent
    request: the unique event key decides, the caller's transaction stays whole); fanned out after the commit."""
    if not events:
        return
    now = utcnow()
    rows = [{"event_key": e.event_key, "kind": e.kind, "student_id": e.student_id, "user_id": e.user_id,
             "campus_id": e.campus_id, "params": _plain(e.params), "link": e.link, "created_at": now,
             "fanned_out_at": None} for e in events]
    db.session.execute(_insert_ignoring_duplicates(db.session, NotificationEvent.__table__), rows)
    queued = db.session.info.setdefault(_QUEUED, [])
    queued.extend(e.event_key for e in events if e.event_key not in queued)


def notify_family(kind: Kind, student, event_key: str, params: dict, link: str = "") -> None:
    """One event about `student`, for every parent account linked to the student."""
    record_events([Event(kind, event_key, params, student_id=student.id, campus_id=student.campus_id, link=link)])


def notify_staff(kind: Kind, user: User, event_key: str, params: dict, link: str = "") -> None:
    """One event for a colleague, shown in the app only (the navigation's unread badge)."""
    record_events([Event(kind, event_key, params, user_id=user.id, campus_id=user.campus_id, link=link)])


def _insert_ignoring_duplicates(session, table):
    """INSERT that leaves out the rows a unique key already holds, in the database's own words."""
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        return postgresql.insert(table).on_conflict_do_nothing()
    if dialect == "sqlite":
        return sqlite.insert(table).on_conflict_do_nothing()
    return insert(table).prefix_with("IGNORE")  # MariaDB / MySQL


def _plain(params: dict) -> dict:
    """Parameters as JSON keeps them, to be rendered in each recipient's language: an attendance status as its
    system-text code (出勤 / present), another enum by its label's msgid, numbers as numbers."""
    return {name: _plain_value(value) for name, value in params.items()}


def _plain_value(value):
    if isinstance(value, enum.Enum):
        return coded(value.value) if value.value in MESSAGES else f"{ENUM_PREFIX}{type(value).__name__}:{value.value}"
    return value if isinstance(value, (int, float)) or value is None else str(value)


# ---------- fan-out (in the queue, after the commit) ----------

def fan_out(session: Session, event_keys: list[str]) -> list[int]:
    """Turn events into their messages, each event once, in a few statements whatever their number; returns the ids
    of the messages that leave the app, for delivery.

    Inbox always; e-mail, SMS and WeChat where the campus switched the channel on, the app has it configured (for
    SMS and WeChat: with a provider template for the kind) and the parent can receive it (an e-mail address on the
    Parent row; the Parent row's phone; an openid bound to the account). Opt-outs and quiet hours apply alike."""
    events = list(session.scalars(select(NotificationEvent).where(NotificationEvent.event_key.in_(event_keys),
                                                                  NotificationEvent.fanned_out_at.is_(None))))
    if not events:
        return []
    settings = _settings(session, {e.campus_id for e in events})
    families = _families(session, {e.student_id for e in events if e.student_id}, {e.kind for e in events})
    wording = load_wording(session)
    messages = []
    for row in events:
        if row.student_id:
            messages += _family_messages(row, families.get(row.student_id, []), settings.get(row.campus_id), wording)
        else:
            messages += _staff_messages(session, row, wording)
    if messages:
        session.execute(_insert_ignoring_duplicates(session, Notification.__table__), messages)
    session.execute(update(NotificationEvent).where(NotificationEvent.id.in_([e.id for e in events]))
                    .values(fanned_out_at=utcnow()))
    session.commit()
    return list(session.scalars(select(Notification.id).where(
        Notification.event_key.in_(event_keys), Notification.channel != Channel.INBOX,
        Notification.status == DeliveryStatus.PENDING).order_by(Notification.id)))


@dataclass
class _Family:
    account_id: int
    locale: str | None
    email: str | None
    phone: bool  # the Parent row has a number (SMS)
    openid: str | None  # bound when the parent signed in from WeChat
    turned_off: set


def _families(session: Session, student_ids: set[int], kinds: set[Kind]) -> dict[int, list[_Family]]:
    """Per student, the parent accounts with access (each once) with their e-mail, phone and openid and the kinds
    they turned off."""
    if not student_ids:
        return {}
    rows = session.execute(
        select(Parent.student_id, ParentAccount.id, ParentAccount.locale, Parent.email, Parent.phone_last4,
               ParentAccount.wechat_openid)
        .join(Parent, Parent.phone_hash == ParentAccount.phone_hash)
        .where(Parent.student_id.in_(student_ids), Parent.portal_revoked_at.is_(None),
               ParentAccount.is_active.is_(True)).order_by(Parent.student_id, ParentAccount.id)).all()
    off: dict[int, set] = {}
    for account_id, kind in session.execute(select(NotificationPreference.parent_account_id, NotificationPreference.kind)
                                            .where(NotificationPreference.parent_account_id.in_({r[1] for r in rows}),
                                                   NotificationPreference.kind.in_(kinds),
                                                   NotificationPreference.enabled.is_(False))):
        off.setdefault(account_id, set()).add(kind)
    families: dict[int, list[_Family]] = {}
    for student_id, account_id, locale, email, last4, openid in rows:
        family = families.setdefault(student_id, [])
        if all(member.account_id != account_id for member in family):
            family.append(_Family(account_id, locale, email, bool(last4), openid, off.get(account_id, set())))
    return families


def _channels_on(kind: Kind, settings: Settings) -> dict[Channel, object]:
    """The channels beyond the inbox this campus and this app can send the kind on, each with who can receive it."""
    channels: dict[Channel, object] = {}
    if settings.notify_email and mail_configured():
        channels[Channel.EMAIL] = lambda member: bool(member.email)
    if settings.notify_sms and sms.can_send(kind.value):
        channels[Channel.SMS] = lambda member: member.phone
    if settings.notify_wechat and wechat.can_send(kind.value):
        channels[Channel.WECHAT] = lambda member: bool(member.openid)
    return channels


def _family_messages(row: NotificationEvent, family: list[_Family], settings: Settings, wording: dict) -> list[dict]:
    channels = _channels_on(row.kind, settings)
    messages = []
    for member in family:
        if row.kind not in ALWAYS_SENT and row.kind in member.turned_off:
            continue
        for channel in [Channel.INBOX] + [channel for channel, reaches in channels.items() if reaches(member)]:
            messages.append(_message(row, channel, member.locale, _send_after(row.kind, settings), wording,
                                     recipient=f"p{member.account_id}", parent_account_id=member.account_id,
                                     student_id=row.student_id))
    return messages


def _staff_messages(session: Session, row: NotificationEvent, wording: dict) -> list[dict]:
    user = session.get(User, row.user_id)
    if user is None or not user.is_active:
        return []
    return [_message(row, Channel.INBOX, user.locale, utcnow(), wording, recipient=f"u{user.id}", user_id=user.id)]


def _message(row: NotificationEvent, channel: Channel, locale: str | None, send_after: dt.datetime, wording: dict,
             **recipient) -> dict:
    """One message, rendered in the recipient's language for its channel; the inbox is delivered by being written."""
    locale = locale or "zh_CN"
    subject, body = render(row.kind, row.params, locale, channel, wording)
    now, inbox = utcnow(), channel == Channel.INBOX
    return {"parent_account_id": None, "user_id": None, "student_id": None, **recipient,
            "campus_id": row.campus_id, "event_key": row.event_key, "kind": row.kind, "channel": channel,
            "locale": locale, "params": row.params, "subject": subject, "body": body, "link": row.link,
            "attempts": 0, "last_error": "", "created_at": now, "read_at": None,
            "status": DeliveryStatus.SENT if inbox else DeliveryStatus.PENDING, "sent_at": now if inbox else None,
            "send_after": now if inbox else send_after}


def _settings(session: Session, campus_ids: set[int | None]) -> dict:
    """Each campus's settings (its own row, else the default row, else the defaults; never written from here)."""
    rows = {row.campus_id: row for row in session.scalars(select(Settings).where(
        Settings.campus_id.in_([c for c in campus_ids if c is not None]) | Settings.campus_id.is_(None)))}
    default = rows.get(None) or Settings(quiet_start=dt.time(21), quiet_end=dt.time(8), notify_email=False,
                                         notify_sms=False, notify_wechat=False)
    return {campus_id: rows.get(campus_id, default) for campus_id in campus_ids}


def _send_after(kind: Kind, settings: Settings, now: dt.datetime | None = None) -> dt.datetime:
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


@event.listens_for(db.session, "after_commit")
def _hand_to_queue(session) -> None:
    events = session.info.pop(_QUEUED, None)
    if events:
        from eduflow.notifications.delivery import dispatch

        try:
            dispatch(events)  # one task for the commit's events
        except Exception:  # noqa: BLE001 - the change is committed; the queue's sweep fans the events out later
            logging.getLogger(__name__).exception("notification events not queued: %s", events[:5])


@event.listens_for(db.session, "after_soft_rollback")
def _forget(session, previous_transaction) -> None:
    if previous_transaction.parent is None:  # the whole transaction, not a savepoint
        session.info.pop(_QUEUED, None)
