"""消息 on the front desk's touch tablet (768 px), in Chinese and English: no serious accessibility violation, no
control below 44 px or text below 12 px, nothing wider than the screen; 标为已读 updates the row and the top bar's
badge in place, 全部标为已读 empties it."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from eduflow.extensions import db
from eduflow.models import NotificationKind as Kind
from eduflow.notifications.outbox import Event, record_events
from tests.browser_support import (
    TABLET, page_width, run_axe, screenshot, settle, sign_in, small_targets, small_text, use_language,
)
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


def _messages_for(user) -> None:
    record_events([
        Event(Kind.LEAVE_REQUESTED, "browser:leave", {"student": "王小明", "lesson": "2026-12-03 09:00 英语一班",
                                                      "reason": "发烧，需要在家休息一天"}, user_id=user.id,
              link="/today"),
        Event(Kind.LEAD_ASSIGNED, "browser:lead", {"lead": "张三", "by": "李主管"}, user_id=user.id, link="/leads"),
        Event(Kind.APPROVAL_WAITING, "browser:approval", {"student": "赵小红", "change": "休学", "by": "王顾问"},
              user_id=user.id, link="/students/approvals"),
    ])
    db.session.commit()


@pytest.mark.parametrize("language", ["zh", "en"])
def test_the_message_page_fits_the_tablet_and_reads_in_place(tablet, users, language):
    _messages_for(users["manager"])
    page = tablet("en" if language == "en" else "zh-CN")
    sign_in(page, "manager", PASSWORD)
    page.wait_for_url(lambda url: "/login" not in url)
    use_language(page, language)
    response = page.goto("/messages")
    assert response.status == 200 and "script-src 'self'" in response.headers["content-security-policy"]
    settle(page)
    badge = page.get_by_test_id("unread-badge-top")
    expect(badge).to_be_visible()
    expect(badge).to_contain_text("3")
    assert run_axe(page) == []
    assert small_targets(page) == [] and small_text(page) == []
    assert page_width(page)["width"] <= TABLET["width"]
    screenshot(page, f"staff-messages-{language}-tablet")

    first = page.locator("[data-testid^=message-][data-unread=true]").first
    first.get_by_test_id("mark-read").tap()
    expect(page.locator("[data-testid^=message-][data-unread=true]")).to_have_count(2)
    expect(badge).to_contain_text("2")
    page.get_by_test_id("read-all").tap()
    page.wait_for_load_state()
    expect(page.locator("[data-testid^=message-][data-unread=true]")).to_have_count(0)
    expect(page.get_by_test_id("unread-badge-top")).to_be_hidden()
    assert ("Mark all as read" if language == "en" else "全部标为已读") not in page.inner_text("main")
