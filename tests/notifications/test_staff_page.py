"""消息 for staff: the unread badge on full pages (one COUNT, none on fragments, "99+" beyond 99), the page newest
first and paged, reading one or all, and nobody else's messages."""
from __future__ import annotations

import re

from sqlalchemy import select

from eduflow.extensions import db
from eduflow.models import Notification, NotificationKind as Kind
from eduflow.notifications.outbox import Event, record_events
from tests.statements import counted

HX = {"HX-Request": "true"}


def _tell(user, count: int = 1, *, kind: Kind = Kind.LEAD_ASSIGNED, start: int = 0) -> list[int]:
    """`count` messages for `user` (leads 线索<n> given by 主管), committed; their ids, oldest first."""
    record_events([Event(kind, f"test:{user.id}:{n}", {"lead": f"线索{n}", "by": "主管"}, user_id=user.id,
                         link=f"/leads/{n}") for n in range(start, start + count)])
    db.session.commit()
    return list(db.session.scalars(select(Notification.id).where(Notification.user_id == user.id)
                                   .order_by(Notification.id)))


def _badge(html: str, testid: str = "unread-badge") -> str:
    found = re.search(rf'data-testid="{testid}"[^>]*>(.*?)</span>', html, re.S)
    assert found, f"no {testid} in the page"
    return re.sub(r"<[^>]+>.*", "", found.group(1))


def test_the_badge_counts_the_users_unread_messages_and_drops_as_they_are_read(client, login_as, users):
    ids = _tell(users["manager"], 3)
    _tell(users["sales"], 2, start=10)
    login_as("manager")
    page = client.get("/").get_data(as_text=True)
    assert _badge(page) == "3" and _badge(page, "unread-badge-top") == "3"
    listing = client.get("/messages").get_data(as_text=True)
    assert _badge(listing) == "3"  # opening the page marks nothing
    response = client.get(f"/messages/{ids[0]}")
    assert response.status_code == 302 and response.headers["Location"].endswith("/leads/0")
    assert _badge(client.get("/").get_data(as_text=True)) == "2"
    fragment = client.post(f"/messages/{ids[1]}/read", headers=HX)
    body = fragment.get_data(as_text=True)
    assert fragment.status_code == 200 and "<html" not in body
    assert 'data-unread="false"' in body and 'hx-swap-oob="true"' in body and _badge(body) == "1"
    assert client.post("/messages/read").status_code == 302
    page = client.get("/").get_data(as_text=True)
    assert _badge(page) == ""
    db.session.expire_all()
    assert db.session.scalar(select(Notification.read_at).where(Notification.user_id == users["sales"].id)) is None


def test_the_badge_is_capped_at_99_plus(client, login_as, users):
    _tell(users["teacher"], 100)
    login_as("teacher")
    assert _badge(client.get("/").get_data(as_text=True)) == "99+"


def test_a_full_page_counts_once_and_a_fragment_not_at_all(client, login_as, users):
    _tell(users["manager"], 2)
    login_as("manager")

    def badge_counts(url: str, headers=None) -> tuple[int, str]:
        with counted() as statements:
            response = client.get(url, headers=headers or {})
        return sum(1 for sql in statements if "FROM notifications" in sql), response.get_data(as_text=True)

    full, page = badge_counts("/students/")
    assert full == 1 and "<html" in page
    none, fragment = badge_counts("/students/?q=王", HX)
    assert none == 0 and "<html" not in fragment
    on_messages, _page = badge_counts("/messages")
    assert on_messages == 3  # the badge's COUNT (shared with the page), the page's COUNT, its rows


def test_the_page_lists_newest_first_with_kind_text_time_and_link_and_pages(client, login_as, users):
    ids = _tell(users["manager"], 30)
    login_as("manager")
    page = client.get("/messages").get_data(as_text=True)
    shown = [int(n) for n in re.findall(r'data-testid="message-(\d+)"', page)]
    assert shown == ids[::-1][:25]
    assert "线索分配" in page and "主管 把线索 线索29 分配给了你。" in page
    assert f'href="/messages/{ids[-1]}"' in page and "全部标为已读" in page
    second = client.get("/messages?page=2").get_data(as_text=True)
    assert [int(n) for n in re.findall(r'data-testid="message-(\d+)"', second)] == ids[::-1][25:]


def test_another_users_message_answers_404_and_stays_unread(client, login_as, users):
    theirs = _tell(users["sales"], 1)[0]
    login_as("sales2")
    assert client.get(f"/messages/{theirs}").status_code == 404
    assert client.post(f"/messages/{theirs}/read", headers=HX).status_code == 404
    assert client.post("/messages/read").status_code == 302
    assert f"message-{theirs}" not in client.get("/messages").get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Notification, theirs).read_at is None


def test_the_page_speaks_english(client, login_as, users):
    users["manager"].locale = "en"
    db.session.commit()
    _tell(users["manager"], 1)
    login_as("manager")
    page = client.get("/messages").get_data(as_text=True)
    assert "Mark all as read" in page and "Mark as read" in page and "全部标为已读" not in page
    assert "Lead assigned: 线索0" in page and ">Messages<" in page and "消息" not in page


def test_messages_read_in_the_language_the_colleague_switches_to(client, login_as, users):
    record_events([Event(Kind.APPROVAL_WAITING, "test:approval", {"student": "赵小红", "change": "休学",
                                                                  "change_kind": "suspend", "by": "Sales"},
                         user_id=users["manager"].id, link="/students/approvals")])
    db.session.commit()
    login_as("manager")
    assert "Sales 提交了 赵小红 的休学申请，等待审批。" in client.get("/messages").get_data(as_text=True)
    client.post("/language", data={"locale": "en"})
    page = client.get("/messages").get_data(as_text=True)
    assert "Waiting for approval: 赵小红" in page and "Sales asked for Suspended for 赵小红" in page
    assert "休学" not in page
