"""Staff's own messages (消息): who on the staff hears about an event, the events themselves, and each colleague's
inbox (newest first, the navigation's unread count, marking read).

Staff read their messages in the app only, never by SMS or e-mail: a fanned-out staff event is one INBOX row for
one user (recipient "u<id>"). The producers (a parent's leave request, a lead given to someone, a status change
waiting for approval) call `staff_events` with everyone who should hear, and write them in one INSERT.
"""
from __future__ import annotations

from flask import current_app
from flask_babel import get_locale
from sqlalchemy import Select, func, or_, select, update

from eduflow.access import accounts_with, is_admin, is_manager
from eduflow.extensions import db
from eduflow.models import (
    Lesson, Notification, NotificationChannel as Channel, NotificationKind as Kind, Role, StatusChangeKind, User,
    utcnow,
)
from eduflow.notifications.outbox import Event, record_events
from eduflow.notifications.texts import load_wording, render

BADGE_MAX = 99  # the badge shows "99+" beyond this


# ---------- who hears ----------

def lesson_teacher_id(lesson: Lesson) -> int | None:
    """Who teaches the lesson: its own teacher (a substitute when it has one), else the class's head teacher."""
    return lesson.teacher_id or lesson.class_group.head_teacher_id


def leave_recipients(lesson: Lesson) -> list[int]:
    """A parent's leave request is for the lesson's teacher and the academic staff (教务) of the lesson's campus."""
    teacher_id = lesson_teacher_id(lesson)
    academic = accounts_with(Role.ACADEMIC) & (User.campus_id == lesson.class_group.campus_id)
    return list(db.session.scalars(select(User.id).where(
        User.is_active.is_(True), or_(academic, User.id == teacher_id) if teacher_id else academic)
        .order_by(User.id)))


def approvers(campus_id: int) -> list[int]:
    """Who hears that a status change waits for approval: the campus's managers; where the campus has none, the
    admins (who may decide any campus's requests, but a chain's admins are not told of every campus's)."""
    managers = accounts_with(Role.MANAGER) & (User.campus_id == campus_id)
    admins = accounts_with(Role.ADMIN)
    deciders = db.session.scalars(select(User).where(User.is_active.is_(True), managers | admins)
                                  .order_by(User.id)).all()
    return [u.id for u in deciders if is_manager(u)] or [u.id for u in deciders if is_admin(u)]


def colleague_events(kind: Kind, user_ids, key: str, params: dict, *, campus_id: int | None, link: str = "",
                     by: User | None = None) -> list[Event]:
    """One event per colleague, each once, never for the one who caused it (`by`); `key` names the event and each
    colleague's copy is `key:u<id>`, so a retry or a double submit writes nothing twice."""
    skip = by.id if by is not None else None
    wanted = sorted({user_id for user_id in user_ids if user_id is not None and user_id != skip})
    return [Event(kind, f"{key}:u{user_id}", params, user_id=user_id, campus_id=campus_id, link=link)
            for user_id in wanted]


def staff_events(kind: Kind, user_ids, key: str, params: dict, *, campus_id: int | None, link: str = "",
                 by: User | None = None) -> None:
    """`colleague_events`, written in one INSERT."""
    record_events(colleague_events(kind, user_ids, key, params, campus_id=campus_id, link=link, by=by))


def path_to(endpoint: str, **values) -> str:
    """A screen's path, as a message's link (written by a service, perhaps outside any request)."""
    return current_app.url_map.bind("localhost").build(endpoint, values)


# ---------- a colleague's inbox ----------

def _mine(user_id: int):
    return (Notification.user_id == user_id) & (Notification.channel == Channel.INBOX)


def messages_of(user_id: int) -> Select:
    """The user's messages, newest first."""
    return select(Notification).where(_mine(user_id)).order_by(Notification.id.desc())


def message_of(user_id: int, message_id: int) -> Notification | None:
    """One of the user's own messages (another's is None, like an unknown id)."""
    return db.session.scalar(select(Notification).where(_mine(user_id), Notification.id == message_id))


def unread_count(user_id: int) -> int:
    """The navigation's badge: one COUNT on the (user_id, channel, read_at) index."""
    return db.session.scalar(select(func.count(Notification.id)).where(_mine(user_id),
                                                                        Notification.read_at.is_(None)))


def badge(count: int) -> str:
    """The count as the badge shows it: "99+" beyond 99, nothing at 0."""
    return "" if count <= 0 else f"{BADGE_MAX}+" if count > BADGE_MAX else str(count)


def mark_read(message: Notification) -> None:
    """The message is read (the first reading's time is kept)."""
    if message.read_at is None:
        message.read_at = utcnow()


def mark_all_read(user_id: int) -> int:
    """Every unread message of the user is read; how many were."""
    return db.session.execute(update(Notification).where(_mine(user_id), Notification.read_at.is_(None))
                              .values(read_at=utcnow()).execution_options(synchronize_session=False)).rowcount


def shown_texts(messages: list[Notification]) -> dict[int, tuple[str, str]]:
    """Each message's (subject, body) in the reader's language of the moment (a colleague who switches language
    reads their earlier messages in it too), from the event's parameters and the admins' wording; the kind of a
    status change (kept as its code, `change_kind`) in that language as well."""
    if not messages:
        return {}
    locale, wording = str(get_locale() or "zh_CN"), load_wording(db.session)
    return {message.id: render(message.kind, _readable(message.params or {}), locale, Channel.INBOX, wording)
            for message in messages}


def _readable(params: dict) -> dict:
    code = params.get("change_kind")
    if code in {kind.value for kind in StatusChangeKind}:
        return {**params, "change": StatusChangeKind(code)}
    return params
