"""The outbox and its delivery: written in the caller's transaction, once per event, recipient and channel;
opt-outs and quiet hours; e-mail through a real local SMTP server; retries with growing delays, then failed."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from eduflow.extensions import db
from eduflow.models import (
    DeliveryStatus, Notification, NotificationChannel as Channel, NotificationKind as Kind, NotificationPreference,
    Settings, utcnow,
)
from eduflow.notifications import delivery
from eduflow.notifications.outbox import notify_family, quiet_until

PARAMS = {"student": "王小明", "lesson": "12-01 09:00", "status": "出勤", "units": 1, "course": "少儿英语",
          "balance": 19}


def _count(**where) -> int:
    return db.session.scalar(select(func.count(Notification.id)).filter_by(**where))


def _email_on(campus_id: int) -> None:
    db.session.add(Settings(campus_id=campus_id, notify_email=True, quiet_start=dt.time(0), quiet_end=dt.time(0)))
    db.session.commit()


def test_a_message_is_written_in_the_callers_transaction_and_rolled_back_with_it(family):
    notify_family(Kind.LESSON_DEDUCTED, family.first, "attendance:1:v1", PARAMS)
    db.session.rollback()
    assert _count() == 0
    notify_family(Kind.LESSON_DEDUCTED, family.first, "attendance:1:v1", PARAMS)
    db.session.commit()
    row = db.session.scalar(select(Notification))
    assert (row.channel, row.status, row.parent_account_id) == (Channel.INBOX, DeliveryStatus.SENT, family.account.id)
    assert "扣除 1 课时" in row.body and "剩余 19 课时" in row.body


def test_one_event_writes_one_message_per_recipient_and_channel_whatever_the_retries(family):
    for _ in range(3):
        notify_family(Kind.LESSON_DEDUCTED, family.first, "attendance:7:v2", PARAMS)
        db.session.commit()
    assert _count(event_key="attendance:7:v2") == 1
    notify_family(Kind.LESSON_DEDUCTED, family.first, "attendance:7:v3", PARAMS)
    db.session.commit()
    assert _count() == 2


def test_a_parent_turns_a_kind_off_but_never_the_payment_receipt(family):
    for kind in (Kind.LESSON_DEDUCTED, Kind.PAYMENT_RECEIVED):
        db.session.add(NotificationPreference(parent_account_id=family.account.id, kind=kind, enabled=False))
    db.session.commit()
    notify_family(Kind.LESSON_DEDUCTED, family.first, "attendance:1:v1", PARAMS)
    notify_family(Kind.PAYMENT_RECEIVED, family.first, "payment:1", {"student": "王小明", "course": "少儿英语",
                                                                      "amount": "3000.00", "link": "/p/payments"})
    db.session.commit()
    assert [row.kind for row in db.session.scalars(select(Notification))] == [Kind.PAYMENT_RECEIVED]


@pytest.mark.parametrize(("local", "until"), [
    ("2026-12-01 20:59", None), ("2026-12-01 21:00", "2026-12-02 08:00"), ("2026-12-02 02:30", "2026-12-02 08:00"),
    ("2026-12-02 07:59", "2026-12-02 08:00"), ("2026-12-02 08:00", None)])
def test_quiet_hours_from_nine_in_the_evening_to_eight_in_the_morning(app, local, until):
    from eduflow.i18n import from_utc, to_utc

    now = to_utc(dt.datetime.fromisoformat(local))
    held = quiet_until(dt.time(21), dt.time(8), now)
    assert (None if held == now else from_utc(held).isoformat(" ", "minutes")) == until


def test_an_email_waits_for_the_end_of_quiet_hours_then_goes_in_the_parents_language(family, inbox):
    family.first.parents[0].email = "wang.mama@example.com"
    family.account.locale = "en"
    db.session.add(Settings(campus_id=family.first.campus_id, notify_email=True, quiet_start=dt.time(0),
                            quiet_end=dt.time(23, 59)))
    db.session.commit()
    notify_family(Kind.LESSON_DEDUCTED, family.first, "attendance:1:v1", PARAMS)
    db.session.commit()
    email = db.session.scalar(select(Notification).where(Notification.channel == Channel.EMAIL))
    assert email.status == DeliveryStatus.PENDING and email.send_after > utcnow() and inbox.messages == []
    assert delivery.deliver(email.id, now=email.send_after + dt.timedelta(seconds=1)) == DeliveryStatus.SENT
    (to, message), = inbox.messages
    assert to == ["wang.mama@example.com"] and message["Subject"].startswith("Lesson")
    assert "1" in message.get_body().get_content() and "19" in message.get_body().get_content()


def test_a_failed_delivery_is_retried_with_growing_delays_then_marked_failed(family, inbox, monkeypatch):
    family.first.parents[0].email = "wang.mama@example.com"
    _email_on(family.first.campus_id)
    scheduled = []
    monkeypatch.setattr(delivery, "enqueue", lambda notification_id, eta=None: eta and scheduled.append(eta))
    notify_family(Kind.LESSON_DEDUCTED, family.first, "attendance:1:v1", PARAMS)
    db.session.commit()
    email = db.session.scalar(select(Notification).where(Notification.channel == Channel.EMAIL))

    def refuse(to, subject, body):
        raise ConnectionRefusedError("the SMTP server is away")

    monkeypatch.setattr("eduflow.mail.send_mail", refuse)
    now = utcnow()
    statuses = [delivery.deliver(email.id, now=now + dt.timedelta(hours=n)) for n in range(delivery.ATTEMPTS)]
    assert statuses == [DeliveryStatus.PENDING] * (delivery.ATTEMPTS - 1) + [DeliveryStatus.FAILED]
    delays = [(eta - (now + dt.timedelta(hours=n))).total_seconds() / 60 for n, eta in enumerate(scheduled)]
    assert delays == [1, 2, 4, 8]
    db.session.expire_all()
    failed = db.session.get(Notification, email.id)
    assert failed.attempts == delivery.ATTEMPTS and "SMTP server is away" in failed.last_error
    assert inbox.messages == []


def test_a_queue_away_at_the_commit_loses_nothing_the_sweep_fans_out_later(family, monkeypatch):
    def away(event_keys):
        raise ConnectionError("the queue is away")

    monkeypatch.setattr(delivery, "fan_out_now", away)
    notify_family(Kind.LESSON_DEDUCTED, family.first, "attendance:1:v1", PARAMS)
    db.session.commit()  # the change stands
    assert _count() == 0
    assert delivery.sweep(now=utcnow()) == (0, 0)  # not yet a minute old
    assert delivery.sweep(now=utcnow() + dt.timedelta(minutes=2)) == (1, 0)
    assert _count(channel=Channel.INBOX) == 1
