"""通知模板 in the real browser on the tablet (768 px): the list and the editor pass axe and fit the screen in Chinese
and English; typing refreshes the preview, a variable's button inserts it at the cursor, an SMS over one message
is counted and warned about, and the saved text is the one the list shows edited."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from eduflow.extensions import db
from eduflow.models import NotificationKind as Kind, NotificationTemplate
from eduflow.notifications.outbox import notify_family
from tests.browser_support import page_width, run_axe, screenshot, settle, sign_in, small_targets, use_language
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser]

PARAMS = {"student": "王小明", "lesson": "2026-12-01 09:00 英语一班", "status": "出勤", "units": 1,
          "course": "少儿英语", "balance": 19}
LIST = "/admin/notification-templates"
EDIT = "/admin/notification-templates/deducted/inbox/zh_CN"
SMS = "/admin/notification-templates/deducted/sms/zh_CN"


def _signed_in(tablet, language: str = "zh"):
    page = tablet()
    sign_in(page, "admin", PASSWORD)
    page.wait_for_url(lambda url: "/login" not in url)
    use_language(page, language)
    return page


@pytest.mark.parametrize("language", ["zh", "en"])
def test_the_list_and_the_editor_pass_axe_and_fit_the_tablet(tablet, family, users, language):
    notify_family(Kind.LESSON_DEDUCTED, family.first, "attendance:1:v1", PARAMS)
    db.session.commit()
    page = _signed_in(tablet, language)
    problems = []
    for name, url in (("list", LIST), ("edit", EDIT), ("sms", SMS)):
        response = page.goto(url)
        assert response.status == 200, url
        settle(page)
        width = page_width(page)
        if width["width"] > width["viewport"]:
            problems.append(f"{url} is wider than the tablet: {width}")
        problems += [f"{url} small target: {target}" for target in small_targets(page)]
        problems += [f"{url} axe: {v['id']} {v['help']} {[n['target'] for n in v['nodes'][:3]]}"
                     for v in run_axe(page)]
        screenshot(page, f"notification-templates-{name}-{language}")
    assert not problems, "\n".join(problems)


def test_typing_refreshes_the_preview_and_a_variable_goes_in_at_the_cursor(tablet, family, users):
    notify_family(Kind.LESSON_DEDUCTED, family.first, "attendance:1:v1", {**PARAMS, "balance": 6})
    db.session.commit()
    page = _signed_in(tablet)
    page.goto(EDIT)
    body = page.locator("textarea[name=body]")
    body.fill("本次课后剩余 课时")
    expect(page.get_by_test_id("preview-body")).to_have_text("本次课后剩余 课时")
    body.evaluate("(el) => el.setSelectionRange(0, 0)")
    page.get_by_test_id("variables").get_by_role("button", name="%(student)s").click()
    body.evaluate("(el) => el.setSelectionRange(el.value.length - 2, el.value.length - 2)")
    page.get_by_test_id("variables").get_by_role("button", name="%(balance)s").click()
    expect(body).to_have_value("%(student)s本次课后剩余 %(balance)s课时")
    expect(page.get_by_test_id("preview-body")).to_have_text("王小明本次课后剩余 6课时")  # the real event's figures
    body.fill("%(student)s %(nosuch)s")
    expect(page.get_by_test_id("preview-problem")).to_contain_text("未知的变量：%(nosuch)s")
    body.fill("%(student)s 今天上课了")
    page.get_by_test_id("save").click()
    expect(page.locator(".alert-success")).to_contain_text("课消通知")
    expect(page.get_by_test_id("row-deducted-zh_CN").get_by_test_id("state-edited")).to_be_visible()
    assert db.session.scalar(select(NotificationTemplate.body)) == "%(student)s 今天上课了"


def test_a_long_sms_is_counted_and_warned_about_but_saves(tablet, family, users):
    page = _signed_in(tablet)
    page.goto(SMS)
    body = page.locator("textarea[name=body]")
    body.fill("%(student)s" + "好" * 50)
    expect(page.get_by_test_id("sms-count")).to_contain_text("按 1 条短信计费")
    expect(page.get_by_test_id("sms-warning")).to_have_count(0)
    body.fill("%(student)s" + "好" * 80)
    expect(page.get_by_test_id("sms-count")).to_contain_text("按 2 条短信计费")
    expect(page.get_by_test_id("sms-warning")).to_be_visible()
    page.get_by_test_id("save").click()
    expect(page.locator(".alert-success")).to_be_visible()
