"""发送失败的通知: the failed and retrying deliveries of the user's campus, and 重发 — back to pending with the full
schedule of attempts, sent once however often it is clicked, written in the audit log."""
from __future__ import annotations

import datetime as dt
import re

from sqlalchemy import select

from eduflow.extensions import db
from eduflow.models import AuditLog, DeliveryStatus, Notification, NotificationChannel as Channel, utcnow
from eduflow.notifications import delivery
from tests.notifications.messages_support import message

FAILED, PENDING, SENT = DeliveryStatus.FAILED, DeliveryStatus.PENDING, DeliveryStatus.SENT


def _rows(page: str) -> list[int]:
    return [int(n) for n in re.findall(r'data-testid="failure-(\d+)"', page)]


def _failed(student, account, **fields):
    return message(student, account, status=FAILED, attempts=5, last_error="ConnectionRefusedError: away", **fields)


def _mailed(family):
    family.first.parents[0].email = "wang.mama@example.com"
    db.session.commit()


def _state(notification_id: int) -> tuple:
    db.session.expire_all()
    row = db.session.get(Notification, notification_id)
    return row.status, row.attempts


def test_the_page_lists_failed_and_retrying_messages_with_the_next_attempt(client, login_as, family):
    failed = _failed(family.first, family.account, minutes_ago=5)
    retrying = message(family.first, family.account, status=PENDING, attempts=2, last_error="Timeout: slow",
                       send_after=utcnow() + dt.timedelta(minutes=2))
    message(family.first, family.account, status=SENT)  # delivered: not listed
    message(family.first, family.account, status=PENDING, attempts=0)  # not tried yet: not listed
    db.session.commit()
    login_as("admin")
    page = client.get("/admin/notifications/failures").get_data(as_text=True)
    assert _rows(page) == [retrying.id, failed.id]
    assert "ConnectionRefusedError: away" in page and "Timeout: slow" in page and "王小明" in page
    assert 'data-testid="next-attempt"' in page and f'data-testid="retry-{failed.id}"' in page
    assert "发给 王妈妈（母亲） 139****5678" in page  # which parent, masked
    assert f'data-testid="retry-{retrying.id}"' not in page  # the queue retries it by itself
    assert _rows(client.get("/admin/notifications/failures?show=failed").get_data(as_text=True)) == [failed.id]
    assert _rows(client.get("/admin/notifications/failures?show=retrying").get_data(as_text=True)) == [retrying.id]
    assert _rows(client.get("/admin/notifications/failures?show=nonsense").get_data(as_text=True)) == [
        retrying.id, failed.id]


def test_a_manager_sees_and_retries_only_their_campus(client, login_as, family):
    own, other = _failed(family.first, family.account), _failed(family.second, family.account)
    db.session.commit()
    login_as("manager")
    assert _rows(client.get("/admin/notifications/failures").get_data(as_text=True)) == [own.id]
    assert client.post(f"/admin/notifications/{other.id}/retry").status_code == 404
    assert client.post("/admin/notifications/retry", data={"ids": str(other.id)}).status_code == 302
    assert _state(other.id) == (FAILED, 5)
    login_as.logout()
    login_as("admin")
    assert set(_rows(client.get("/admin/notifications/failures").get_data(as_text=True))) == {own.id, other.id}


def test_a_retry_sends_the_message_once_however_often_it_is_clicked(client, login_as, family, inbox):
    _mailed(family)
    failed = _failed(family.first, family.account)
    db.session.commit()
    login_as("admin")
    first = client.post(f"/admin/notifications/{failed.id}/retry?show=failed")
    assert first.status_code == 302 and first.headers["Location"].endswith("/admin/notifications/failures?show=failed")
    assert _state(failed.id) == (SENT, 1)  # the full schedule again: this was its first new attempt
    second = client.post(f"/admin/notifications/{failed.id}/retry", follow_redirects=True)
    assert "已不是发送失败状态" in second.get_data(as_text=True)
    assert len(inbox.messages) == 1
    (to, mail), = inbox.messages
    assert to == ["wang.mama@example.com"] and "剩余 9 课时" in mail.get_body().get_content()


def test_a_retry_that_fails_again_gets_the_whole_schedule_of_delays_again(client, login_as, family, monkeypatch):
    _mailed(family)
    failed = _failed(family.first, family.account)
    db.session.commit()
    scheduled = []
    monkeypatch.setattr(delivery, "enqueue", lambda notification_id, eta=None: scheduled.append((notification_id, eta)))
    login_as("admin")
    client.post(f"/admin/notifications/{failed.id}/retry")
    assert scheduled == [(failed.id, None)]  # queued once, due now
    row = db.session.get(Notification, failed.id)
    assert (row.status, row.attempts, row.send_after <= utcnow()) == (PENDING, 0, True)
    assert row.last_error == "ConnectionRefusedError: away"  # the last reason stays until a new attempt replaces it

    def refuse(to, subject, body):
        raise ConnectionRefusedError("still away")

    monkeypatch.setattr("eduflow.mail.send_mail", refuse)
    assert delivery.deliver(failed.id) == PENDING  # attempt 1 of 5 again, not the last
    assert _state(failed.id) == (PENDING, 1)


def test_retry_all_shown_retries_the_failed_ones_of_the_page_only(client, login_as, family, monkeypatch):
    shown = [_failed(family.first, family.account, minutes_ago=n) for n in range(3)]
    already = message(family.first, family.account, status=SENT)  # a stale page: sent meanwhile
    unseen = _failed(family.first, family.account)  # failed after the page was drawn
    db.session.commit()
    queued = []
    monkeypatch.setattr(delivery, "enqueue", lambda notification_id, eta=None: queued.append(notification_id))
    login_as("admin")
    page = client.get("/admin/notifications/failures").get_data(as_text=True)
    assert 'data-testid="retry-shown"' in page and "全部重发（4 条）" in page
    data = {"ids": ",".join(str(row.id) for row in [*shown, already])}
    response = client.post("/admin/notifications/retry", data=data, follow_redirects=True)
    assert "已重新发送 3 条通知。" in response.get_data(as_text=True)
    assert sorted(queued) == sorted(r.id for r in shown)
    assert [_state(r.id)[0] for r in shown] == [PENDING] * 3
    assert _state(already.id) == (SENT, 1) and _state(unseen.id) == (FAILED, 5)
    assert client.post("/admin/notifications/retry", data=data).status_code == 302  # the double click
    assert sorted(queued) == sorted(r.id for r in shown)  # nothing queued twice


def test_a_retry_is_written_in_the_audit_log(client, login_as, users, family, monkeypatch):
    failed = _failed(family.first, family.account)
    db.session.commit()
    monkeypatch.setattr(delivery, "enqueue", lambda notification_id, eta=None: None)
    login_as("manager")
    client.post(f"/admin/notifications/{failed.id}/retry")
    entry = db.session.scalar(select(AuditLog).where(AuditLog.entity == "notifications"))
    assert (entry.action, entry.entity_id, entry.actor_id) == ("update", str(failed.id), users["manager"].id)
    assert entry.changes == {"status": ["failed", "pending"], "attempts": [5, 0]}


def test_bad_retry_requests_are_refused_without_writing(client, login_as, family):
    failed = _failed(family.first, family.account)
    db.session.commit()
    login_as("admin")
    assert client.post("/admin/notifications/999999/retry").status_code == 404
    assert client.post("/admin/notifications/retry", data={}).status_code == 400
    for bad in ("abc", "1,,2", ",".join(["1"] * 101), "1;2", "12345678901"):
        assert client.post("/admin/notifications/retry", data={"ids": bad}).status_code == 400, bad
    assert client.post("/admin/notifications/retry", data={"ids": str(2**40)}).status_code == 400
    assert _state(failed.id) == (FAILED, 5)


def test_only_the_office_opens_the_page(client, login_as, family):
    for role in ("sales", "academic", "teacher"):
        login_as(role)
        assert client.get("/admin/notifications/failures").status_code == 403
        login_as.logout()
    assert client.get("/admin/notifications/failures").status_code == 302


def test_the_navigation_links_the_office_to_the_page(client, login_as, family):
    login_as("manager")
    assert 'href="/admin/notifications/failures"' in client.get("/").get_data(as_text=True)
    login_as.logout()
    login_as("sales")
    assert 'href="/admin/notifications/failures"' not in client.get("/").get_data(as_text=True)


def test_an_email_that_really_failed_shows_on_the_page(client, login_as, family, inbox, monkeypatch):
    """Through the outbox and the delivery's own retries: five refusals, then it is listed as failed."""
    from eduflow.models import NotificationKind as Kind, Settings
    from eduflow.notifications.outbox import notify_family

    _mailed(family)
    db.session.add(Settings(campus_id=family.first.campus_id, notify_email=True, quiet_start=dt.time(0),
                            quiet_end=dt.time(0)))
    db.session.commit()
    monkeypatch.setattr(delivery, "enqueue", lambda notification_id, eta=None: None)
    notify_family(Kind.LESSON_DEDUCTED, family.first, "attendance:1:v1", {
        "student": "王小明", "lesson": "12-01 09:00", "status": "出勤", "units": 1, "course": "少儿英语", "balance": 9})
    db.session.commit()
    email = db.session.scalar(select(Notification).where(Notification.channel == Channel.EMAIL))

    def refuse(to, subject, body):
        raise ConnectionRefusedError("the SMTP server is away")

    monkeypatch.setattr("eduflow.mail.send_mail", refuse)
    for hour in range(delivery.ATTEMPTS):
        delivery.deliver(email.id, now=utcnow() + dt.timedelta(hours=hour))
    login_as("admin")
    page = client.get("/admin/notifications/failures").get_data(as_text=True)
    assert _rows(page) == [email.id] and "the SMTP server is away" in page and "已尝试 5 次" in page
