"""The parent's inbox: messages newest first with the unread count on the tab; turning kinds off."""
from __future__ import annotations

import re

from sqlalchemy import select

from eduflow.extensions import db
from eduflow.models import NotificationKind as Kind, NotificationPreference
from eduflow.notifications.outbox import notify_family

PARAMS = {"student": "王小明", "lesson": "12-01 09:00", "status": "出勤", "units": 1, "course": "少儿英语",
          "balance": 19}


def test_the_inbox_shows_the_messages_and_the_unread_count_until_opened(client, family, parent_login):
    notify_family(Kind.LESSON_DEDUCTED, family.first, "attendance:1:v1", PARAMS)
    notify_family(Kind.LESSON_DEDUCTED, family.other, "attendance:2:v1", {**PARAMS, "student": "李小华"})
    db.session.commit()
    parent_login()
    home = client.get("/p/").get_data(as_text=True)
    assert 'data-testid="unread-count">1<' in home
    page = client.get("/p/inbox").get_data(as_text=True)
    assert "扣除 1 课时" in page and "王小明" in page and "李小华" not in page
    assert 'data-testid="unread-count"' not in client.get("/p/").get_data(as_text=True)


def test_a_parent_turns_kinds_off_and_receipts_stay_on(client, family, parent_login):
    parent_login()
    assert client.post("/p/inbox/settings", data={"kind": ["absent", "payment"]}).status_code == 422  # no choice
    assert db.session.scalar(select(NotificationPreference.id)) is None
    response = client.post("/p/inbox/settings", data={"kind": ["absent"]})
    assert response.status_code == 302
    off = set(db.session.scalars(select(NotificationPreference.kind)))
    assert Kind.LESSON_DEDUCTED in off and Kind.ABSENT not in off and Kind.PAYMENT_RECEIVED not in off
    page = client.get("/p/inbox/settings").get_data(as_text=True)
    assert re.search(r'value="absent" id="kind-absent"\s+checked>', page)
    assert re.search(r'value="deducted" id="kind-deducted"\s+>', page)
    notify_family(Kind.LESSON_DEDUCTED, family.first, "attendance:1:v1", PARAMS)
    db.session.commit()
    assert "扣除" not in client.get("/p/inbox").get_data(as_text=True)
