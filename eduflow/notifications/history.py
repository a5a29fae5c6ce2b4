"""What staff read about the messages (通知记录): every message about one student, newest first, with its recipient
masked; the deliveries that failed or are still being retried, in the user's campus; and the retry of a failed one.

A retry is a compare-and-set: the message goes back to pending only while it is still failed, so a double click, a
second admin or a page left open since the message was sent never sends it twice. It starts the full schedule of
attempts again (attempts back to 0, first try now); the reason of the last failure stays on the message until a
new attempt replaces it.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import and_, or_, select, true, update

from eduflow import audit
from eduflow.access import home_campus
from eduflow.extensions import db
from eduflow.models import (
    Campus, DeliveryStatus, Notification, NotificationChannel as Channel, Parent, ParentAccount, Student, User,
    utcnow,
)
from eduflow.security.emails import mask_email
from eduflow.security.phones import mask_phone


# ---------- the student page ----------

def student_messages(student_id: int):
    """Every message about the student (to any recipient, on any channel), newest first."""
    return (select(Notification).where(Notification.student_id == student_id)
            .order_by(Notification.created_at.desc(), Notification.id.desc()))


def recipients(messages: list[Notification]) -> dict[int, str]:
    """Per message id, who it went to as staff may read it: the parent's name and relation with the phone masked
    (and the masked address of an e-mail), or the colleague's name; in three queries for the page."""
    accounts = {a.id: a for a in db.session.scalars(select(ParentAccount).where(
        ParentAccount.id.in_({m.parent_account_id for m in messages if m.parent_account_id})))}
    parents = {(p.student_id, p.phone_hash): p for p in db.session.scalars(select(Parent).where(
        Parent.student_id.in_({m.student_id for m in messages if m.student_id}),
        Parent.phone_hash.in_({a.phone_hash for a in accounts.values()})))}
    staff = dict(db.session.execute(select(User.id, User.display_name).where(
        User.id.in_({m.user_id for m in messages if m.user_id}))).all())
    labels = {}
    for message in messages:
        account = accounts.get(message.parent_account_id)
        if account is None:
            labels[message.id] = staff.get(message.user_id, "—")
            continue
        parent = parents.get((message.student_id, account.phone_hash))
        label = mask_phone(account.phone)
        if parent is not None:
            who = _("%(name)s（%(relation)s）", name=parent.name, relation=parent.relationship_) \
                if parent.relationship_ else parent.name
            label = f"{who} {label}"
            if message.channel == Channel.EMAIL and parent.email:
                label = f"{label} · {mask_email(parent.email)}"
        labels[message.id] = label
    return labels


_ADDRESS = re.compile(r"[^@\s'\"<>(),;:]+@[^@\s'\"<>(),;:]+")
_NUMBER = re.compile(r"(?<!\d)\+?\d{11,15}(?!\d)")


def reason(message: Notification) -> str:
    """Why the message was not sent, as the provider said it, with any e-mail address or phone number in it masked
    (an SMTP refusal quotes the address; whoever may open the student page reads this)."""
    text = _ADDRESS.sub(lambda found: mask_email(found.group()), message.last_error or "")
    return _NUMBER.sub(lambda found: mask_phone(found.group()), text)


# ---------- failures ----------

RETRYING = and_(Notification.status == DeliveryStatus.PENDING, Notification.attempts > 0)


def _in_campus(user: User):
    """Admins see every campus's messages, a manager their own campus's."""
    campus_id = home_campus(user)
    return true() if campus_id is None else Notification.campus_id == campus_id


def troubled(user: User, which: str = "all"):
    """The messages in the user's campus that failed for good ("failed"), are waiting for another attempt
    ("retrying"), or both ("all"); the latest first."""
    states = {"failed": Notification.status == DeliveryStatus.FAILED, "retrying": RETRYING,
              "all": or_(Notification.status == DeliveryStatus.FAILED, RETRYING)}
    return (select(Notification).where(states[which], _in_campus(user))
            .order_by(Notification.created_at.desc(), Notification.id.desc()))


@dataclass(frozen=True)
class Row:
    """One line of the failures page: the message, its student and campus, why it was not sent (masked)."""

    message: Notification
    student: str
    campus: str
    reason: str


def failure_rows(messages: list[Notification]) -> list[Row]:
    """The page's messages with their student's and campus's names (two queries)."""
    students = dict(db.session.execute(select(Student.id, Student.name).where(
        Student.id.in_({m.student_id for m in messages if m.student_id}))).all())
    campuses = dict(db.session.execute(select(Campus.id, Campus.name).where(
        Campus.id.in_({m.campus_id for m in messages if m.campus_id}))).all())
    return [Row(m, students.get(m.student_id, "—"), campuses.get(m.campus_id, "—"), reason(m)) for m in messages]


def message_in_scope(user: User, notification_id: int) -> Notification | None:
    """The message if it is in the user's campus (whatever its state now), else None."""
    return db.session.scalar(select(Notification).where(Notification.id == notification_id, _in_campus(user)))


def retry(user: User, ids: list[int], now: dt.datetime | None = None) -> list[int]:
    """Put the failed messages among `ids` (in the user's campus) back to pending, due now, with their attempts
    reset; returns the ids that were still failed and are now queued again (the caller commits, then `enqueue`s
    them). Each is one UPDATE that names the failed state, so a message retried meanwhile is left alone."""
    now = now or utcnow()
    candidates = db.session.execute(select(Notification.id, Notification.attempts).where(
        Notification.id.in_(ids), Notification.status == DeliveryStatus.FAILED, _in_campus(user))
        .order_by(Notification.id)).all()
    retried = []
    for notification_id, attempts in candidates:
        changed = db.session.execute(
            update(Notification).where(Notification.id == notification_id,
                                       Notification.status == DeliveryStatus.FAILED)
            .values(status=DeliveryStatus.PENDING, attempts=0, send_after=now)
            .execution_options(synchronize_session=False)).rowcount
        if changed:
            retried.append(notification_id)
            audit.record("update", "notifications", notification_id, {
                "status": [DeliveryStatus.FAILED.value, DeliveryStatus.PENDING.value], "attempts": [attempts, 0]})
    return retried


def enqueue_all(ids: list[int]) -> None:
    """After the commit: hand each retried message to the queue (in place, it is sent right away)."""
    from eduflow.notifications.delivery import enqueue

    for notification_id in ids:
        enqueue(notification_id)
