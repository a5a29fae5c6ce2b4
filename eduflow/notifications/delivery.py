"""Delivery: the queue's task sends one message on its channel, holding it until quiet hours end, retrying a
failure with growing delays (1, 2, 4, 8 minutes) and then marking it failed with the reason; a message the provider
refuses for good (a bad number, an unfollowed WeChat account) is marked failed at once."""
from __future__ import annotations

import datetime as dt

from flask import current_app, has_app_context
from huey import crontab
from sqlalchemy import select
from sqlalchemy.orm import Session

from eduflow.extensions import db
from eduflow.models import (
    DeliveryStatus, Notification, NotificationChannel as Channel, NotificationEvent, Parent, ParentAccount, utcnow,
)
from eduflow.notifications.providers import NotSent, Refused
from eduflow.notifications.queue import huey

ATTEMPTS = 5
FIRST_DELAY = dt.timedelta(minutes=1)


def in_place() -> bool:
    """Whether this app does the queue's work itself, right away (EDUFLOW_QUEUE_IMMEDIATE: the tests)."""
    return has_app_context() and bool(current_app.config.get("EDUFLOW_QUEUE_IMMEDIATE"))


def dispatch(event_keys: list[str]) -> None:
    """After a commit: have the events fanned out and delivered, by the worker or (in place) now."""
    if in_place():
        fan_out_now(event_keys)
    else:
        fan_out_task(event_keys)


def enqueue(notification_id: int, eta: dt.datetime | None = None) -> None:
    """Ask the queue to deliver the message (at `eta`, naive UTC, when given); in place, a message due now is
    delivered at once and a later one is left to the sweep."""
    due = eta is None or eta <= utcnow()
    if in_place():
        if due:
            deliver(notification_id)
    elif due:
        deliver_task(notification_id)
    else:
        deliver_task.schedule((notification_id,), eta=eta.replace(tzinfo=dt.UTC))


def queue_session() -> Session:
    """The queue's own session; its connections are marked, so a request's statement count leaves them out (in
    production this work runs in the worker, not in the request)."""
    return Session(db.engine.execution_options(eduflow_queue=True), expire_on_commit=False)


@huey.task()
def fan_out_task(event_keys: list[str]) -> None:
    """The worker's entry point for a commit's events."""
    with worker_context():
        fan_out_now(event_keys)


def fan_out_now(event_keys: list[str]) -> None:
    """The events' messages, then the delivery of each that leaves the app."""
    from eduflow.notifications.outbox import fan_out

    with queue_session() as session:
        ids = fan_out(session, event_keys)
    for notification_id in ids:
        enqueue(notification_id)


@huey.periodic_task(crontab(minute="*"))
def sweep_task() -> None:
    """Every minute, in the worker: events the queue was not told about (it was away at the commit) are fanned out,
    and messages whose time has come are delivered."""
    with worker_context():
        sweep()


def sweep(now: dt.datetime | None = None) -> tuple[int, int]:
    """Fan out the events older than a minute still waiting, and deliver the pending messages that are due;
    returns how many of each."""
    from eduflow.notifications.outbox import fan_out

    now = now or utcnow()
    with queue_session() as session:
        waiting = list(session.scalars(select(NotificationEvent.event_key).where(
            NotificationEvent.fanned_out_at.is_(None), NotificationEvent.created_at < now - dt.timedelta(minutes=1))
            .order_by(NotificationEvent.id).limit(500)))
        if waiting:
            fan_out(session, waiting)
        due = list(session.scalars(select(Notification.id).where(
            Notification.status == DeliveryStatus.PENDING, Notification.send_after <= now)
            .order_by(Notification.id).limit(500)))
    for notification_id in due:
        deliver(notification_id, now)
    return len(waiting), len(due)


@huey.task()
def deliver_task(notification_id: int) -> None:
    """The queue's entry point for one message."""
    with worker_context():
        deliver(notification_id)


_APP = None


def worker_context():
    """The current app's context when there is one (immediate mode, tests), else the worker's own app."""
    from contextlib import nullcontext

    return nullcontext() if has_app_context() else _worker_app().app_context()


def _worker_app():
    global _APP
    if _APP is None:
        from eduflow import create_app

        _APP = create_app()
    return _APP


def deliver(notification_id: int, now: dt.datetime | None = None) -> DeliveryStatus | None:
    """Send one pending message now if it is due; a failure is retried later, the last one marks it failed.

    Its own session: the queue may run it right after the commit that wrote the message (huey's immediate mode, and
    the app's own session cannot run SQL inside that commit's event)."""
    now = now or utcnow()
    with queue_session() as session:
        row = session.get(Notification, notification_id, with_for_update=True)
        if row is None or row.status != DeliveryStatus.PENDING:
            return None
        if row.send_after > now:  # quiet hours: wait until they end
            session.rollback()
            enqueue(notification_id, row.send_after)
            return DeliveryStatus.PENDING
        try:
            SENDERS[row.channel](session, row)
        except Exception as error:  # noqa: BLE001 - any provider failure is recorded, never raised into the queue
            return _failed(session, row, error, now)
        row.status, row.sent_at, row.attempts = DeliveryStatus.SENT, now, row.attempts + 1
        session.commit()
        return row.status


def _failed(session: Session, row: Notification, error: Exception, now: dt.datetime) -> DeliveryStatus:
    row.attempts += 1
    row.last_error = f"{type(error).__name__}: {error}"[:500]
    retry_at = None
    if row.attempts >= ATTEMPTS or isinstance(error, Refused):
        row.status = DeliveryStatus.FAILED
    else:
        retry_at = now + FIRST_DELAY * 2 ** (row.attempts - 1)
        row.send_after = retry_at
    notification_id, status = row.id, row.status
    session.commit()
    if retry_at is not None:
        enqueue(notification_id, retry_at)
    current_app.logger.warning("notification %s not sent (%s): %s", notification_id, status, error)
    return status


def _parent_row(session: Session, row: Notification, column):
    """`column` of the message's Parent row (the student's parent with the account's phone), None when absent."""
    account = session.get(ParentAccount, row.parent_account_id)
    return session.scalar(select(column).where(Parent.student_id == row.student_id,
                                               Parent.phone_hash == account.phone_hash,
                                               column.is_not(None)).limit(1))


def _send_email(session: Session, row: Notification) -> None:
    from eduflow.mail import mail_configured, send_mail

    if not mail_configured():
        raise NotSent("SMTP is not configured")
    email = _parent_row(session, row, Parent.email)
    if not email:
        raise NotSent("the parent has no e-mail address")
    send_mail(email, row.subject, row.body)


def _send_sms(session: Session, row: Notification) -> None:
    """The kind's provider template with its variables, to the number on the Parent row."""
    from eduflow.notifications.providers import spoken_values
    from eduflow.notifications.sms import send_sms

    phone = _parent_row(session, row, Parent.phone_encrypted)
    row.provider_ref = send_sms(phone, row.kind.value, spoken_values(row.kind, row.params, row.locale))[:64]


def _send_wechat(session: Session, row: Notification) -> None:
    """The kind's template message to the openid bound to the parent's account."""
    from eduflow.notifications.wechat import send_template, template_data

    openid = session.scalar(select(ParentAccount.wechat_openid).where(ParentAccount.id == row.parent_account_id))
    data = template_data(row.kind, row.params, row.locale, row.subject, row.body)
    row.provider_ref = send_template(openid, row.kind, data, row.link)[:64]


SENDERS = {Channel.EMAIL: _send_email, Channel.SMS: _send_sms, Channel.WECHAT: _send_wechat}
