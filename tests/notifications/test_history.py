"""通知记录 on the student page: every message about the student, newest first, a page at a time, with the recipient
masked and a failure's reason; loaded on demand; staff who may not see the student get a 404."""
from __future__ import annotations

import re

from eduflow.extensions import db
from eduflow.models import DeliveryStatus, NotificationChannel as Channel, NotificationKind as Kind
from eduflow.notifications.outbox import notify_family
from tests.notifications.messages_support import message

HX = {"HX-Request": "true"}


def _ids(page: str) -> list[int]:
    return [int(n) for n in re.findall(r'data-testid="student-message-(\d+)"', page)]


def test_the_student_page_offers_the_messages_without_loading_them(client, login_as, family):
    message(family.first, family.account)
    db.session.commit()
    login_as("manager")
    page = client.get(f"/students/{family.first.id}").get_data(as_text=True)
    assert 'data-testid="show-messages"' in page and f'hx-get="/students/{family.first.id}/messages"' in page
    assert "student-message-" not in page  # loaded only when asked for


def test_the_messages_show_when_kind_channel_recipient_masked_status_reason_and_text(client, login_as, family):
    family.first.parents[0].email = "wang.mama@example.com"
    sent = message(family.first, family.account, channel=Channel.INBOX, minutes_ago=30)
    failed = message(family.first, family.account, kind=Kind.ABSENT, status=DeliveryStatus.FAILED, attempts=5,
                     last_error="SMTPRecipientsRefused: mailbox unavailable", minutes_ago=10,
                     body="王小明 未出席 2026-12-01 09:00 的课程，如有疑问请联系校区。")
    message(family.other, None)  # another student's message
    db.session.commit()
    login_as("academic")
    response = client.get(f"/students/{family.first.id}/messages", headers=HX)
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in page
    assert _ids(page) == [failed.id, sent.id]  # newest first, nothing about 李小华
    failed_item = page.split(f'data-testid="student-message-{failed.id}"')[1].split("</li>")[0]
    assert "缺勤提醒 · 电子邮件" in failed_item and "发送失败" in failed_item
    assert "原因：SMTPRecipientsRefused: mailbox unavailable" in failed_item
    assert "王妈妈（母亲） 139****5678 · w***@example.com" in failed_item  # masked, never the number itself
    assert "未出席 2026-12-01 09:00" in failed_item
    sent_item = page.split(f'data-testid="student-message-{sent.id}"')[1].split("</li>")[0]
    assert "课消通知 · 站内消息" in sent_item and "已发送" in sent_item and "剩余 9 课时" in sent_item
    assert "13912345678" not in page and "wang.mama@" not in page


def test_a_failure_quoting_the_address_or_number_shows_them_masked(client, login_as, family):
    refused = message(family.first, family.account, status=DeliveryStatus.FAILED, attempts=5, last_error=(
        "SMTPRecipientsRefused: {'wang.mama@example.com': (550, b'mailbox unavailable')}; isv.MOBILE_NUMBER_ILLEGAL "
        "+8613912345678"))
    db.session.commit()
    login_as("academic")
    page = client.get(f"/students/{family.first.id}/messages", headers=HX).get_data(as_text=True)
    item = page.split(f'data-testid="student-message-{refused.id}"')[1].split("</li>")[0]
    assert "w***@example.com" in item and "mailbox unavailable" in item and "****5678" in item
    assert "wang.mama" not in item and "13912345678" not in item
    login_as.logout()
    login_as("admin")
    failures = client.get("/admin/notifications/failures").get_data(as_text=True)
    assert "w***@example.com" in failures and "wang.mama" not in failures


def test_a_message_the_outbox_wrote_shows_on_the_student_page(client, login_as, family):
    notify_family(Kind.LESSON_DEDUCTED, family.first, "attendance:1:v1", {
        "student": "王小明", "lesson": "12-01 09:00", "status": "出勤", "units": 1, "course": "少儿英语", "balance": 19})
    db.session.commit()
    login_as("sales")  # the student's owner
    page = client.get(f"/students/{family.first.id}/messages", headers=HX).get_data(as_text=True)
    assert len(_ids(page)) == 1 and "扣除 1 课时" in page and "剩余 19 课时" in page


def test_the_messages_are_paged_ten_at_a_time_and_the_pager_stays_in_place(client, login_as, family):
    rows = [message(family.first, family.account, channel=Channel.INBOX, minutes_ago=n) for n in range(12)]
    db.session.commit()
    login_as("manager")
    first = client.get(f"/students/{family.first.id}/messages", headers=HX).get_data(as_text=True)
    assert _ids(first) == [r.id for r in rows[:10]] and "1 / 2" in first
    assert f'hx-get="/students/{family.first.id}/messages?page=2"' in first
    assert 'hx-target="#student-messages"' in first
    second = client.get(f"/students/{family.first.id}/messages?page=2", headers=HX).get_data(as_text=True)
    assert _ids(second) == [r.id for r in rows[10:]]
    full = client.get(f"/students/{family.first.id}/messages?page=2")  # a link opened without htmx: a page
    assert "<html" in full.get_data(as_text=True) and _ids(full.get_data(as_text=True)) == [r.id for r in rows[10:]]


def test_no_message_yet_says_so(client, login_as, family):
    login_as("manager")
    page = client.get(f"/students/{family.first.id}/messages", headers=HX).get_data(as_text=True)
    assert 'data-testid="student-messages-empty"' in page


def test_staff_who_may_not_see_the_student_get_a_404(client, login_as, family):
    message(family.second, family.account)
    db.session.commit()
    login_as("manager")  # 一校区's manager; 王小红 is at 二校区
    assert client.get(f"/students/{family.second.id}/messages", headers=HX).status_code == 404
    login_as.logout()
    login_as("teacher")  # teaches no class of 王小明
    assert client.get(f"/students/{family.first.id}/messages", headers=HX).status_code == 404
    login_as.logout()
    login_as("admin")
    assert client.get(f"/students/{family.second.id}/messages", headers=HX).status_code == 200


def test_a_parent_and_a_visitor_cannot_read_them(client, family, parent_login):
    assert client.get(f"/students/{family.first.id}/messages").status_code == 302  # to the login page
    parent_login()
    assert client.get(f"/students/{family.first.id}/messages").status_code == 403
