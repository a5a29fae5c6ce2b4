"""The staff views of the messages on the front desk's tablet (768 × 1024), in Chinese and in English: the failed
deliveries page (重发 taken in the browser), the student page's 通知记录 loaded on demand, and 规则设置's
notification switches — no serious axe violation, no control under 44 px, no text under 12 px, nothing sideways."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from eduflow.extensions import db
from eduflow.models import DeliveryStatus, NotificationChannel as Channel
from tests.browser_support import page_width, run_axe, screenshot, settle, sign_in, small_targets, small_text, \
    use_language
from tests.conftest import PASSWORD
from tests.notifications.messages_support import message

pytestmark = pytest.mark.browser


def _checked(page, name: str) -> None:
    settle(page)
    assert run_axe(page) == [], name
    assert small_targets(page) == [], name
    assert small_text(page) == [], name
    width = page_width(page)
    assert width["width"] <= width["viewport"], (name, width)
    screenshot(page, name)


@pytest.mark.parametrize("language", ["zh", "en"])
def test_the_message_pages_on_a_tablet(tablet, users, family, language):
    family.first.parents[0].email = "wang.mama@example.com"
    failed = message(family.first, family.account, status=DeliveryStatus.FAILED, attempts=5,
                     last_error="SMTPRecipientsRefused: {'wang.mama@example.com': (550, b'mailbox unavailable')}")
    message(family.first, family.account, status=DeliveryStatus.PENDING, attempts=2, last_error="TimeoutError: slow")
    for minutes in range(12):
        message(family.first, family.account, channel=Channel.INBOX, minutes_ago=minutes + 1)
    db.session.commit()
    page = tablet(locale="zh-CN" if language == "zh" else "en")
    sign_in(page, "admin", PASSWORD)
    page.wait_for_url(lambda url: "/login" not in url)
    use_language(page, language)

    page.goto("/admin/notifications/failures")
    expect(page.get_by_test_id(f"failure-{failed.id}")).to_be_visible()
    expect(page.get_by_test_id("next-attempt")).to_be_visible()
    _checked(page, f"notification-failures-{language}")

    page.goto(f"/students/{family.first.id}")
    page.get_by_test_id("show-messages").click()
    expect(page.get_by_test_id(f"student-message-{failed.id}")).to_contain_text("mailbox unavailable")
    expect(page.get_by_test_id("student-messages").locator("li")).to_have_count(10)
    page.get_by_test_id("student-messages-panel").get_by_role("link", name="下一页" if language == "zh" else "Next") \
        .click()
    expect(page.get_by_test_id("student-messages").locator("li")).to_have_count(4)
    assert page.url.endswith(f"/students/{family.first.id}")  # paged in place
    _checked(page, f"student-messages-{language}")

    page.goto(f"/admin/settings/{family.first.campus_id}")
    expect(page.get_by_test_id("switch-notify_sms")).to_be_visible()
    _checked(page, f"settings-notification-switches-{language}")


def test_an_admin_retries_a_failed_message_in_the_browser(tablet, users, family, inbox):
    family.first.parents[0].email = "wang.mama@example.com"
    failed = message(family.first, family.account, status=DeliveryStatus.FAILED, attempts=5,
                     last_error="ConnectionRefusedError: away")
    db.session.commit()
    page = tablet()
    sign_in(page, "manager", PASSWORD)
    page.wait_for_url(lambda url: "/login" not in url)
    page.goto("/admin/notifications/failures")
    page.on("dialog", lambda dialog: dialog.accept())
    page.get_by_test_id(f"retry-{failed.id}").click()
    expect(page.get_by_text("已重新发送该通知。")).to_be_visible()
    expect(page.get_by_test_id(f"failure-{failed.id}")).to_have_count(0)  # sent: no longer listed
    assert len(inbox.messages) == 1
