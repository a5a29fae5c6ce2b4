"""The 推荐学员 picker in the real browser on a tablet: type a name, see two students of that name told apart by class
and phone, pick one with the keyboard, save, and the lead names that student as its referrer; in English by touch;
and without JavaScript, where the typed name travels with the form."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from eduflow.extensions import db
from eduflow.models import Lead, Parent
from tests.browser_support import TABLET, screenshot, sign_in, small_targets, use_language
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


def test_sales_finds_two_namesakes_told_apart_picks_one_and_saves(page, users, make_student, make_class, enroll):
    first, second = make_student("张三", phone="13800001111"), make_student("张三")
    db.session.add(Parent(student_id=second.id, name="张妈妈", is_primary=True, phone="13900002222"))
    enroll(first, make_class("英语一班"))
    enroll(second, make_class("英语二班"))
    make_student("张三", owner="sales2")  # a colleague's student of the same name is not offered
    sign_in(page, "sales", PASSWORD)
    page.goto("/leads/new")
    page.fill("#name", "新同学")
    page.fill("#phone", "13700137000")
    page.select_option("#source_id", label="转介绍")
    search = page.get_by_test_id("referrer-search")
    search.press_sequentially("zhangs", delay=40)  # several keystrokes, one debounced search
    options = page.get_by_test_id("referrer-option")
    expect(options).to_have_count(2)
    expect(options.nth(0)).to_contain_text("英语一班 · 手机尾号 1111")
    expect(options.nth(1)).to_contain_text("英语二班 · 手机尾号 2222")
    expect(page.get_by_test_id("referrer-status")).to_contain_text("找到 2 位学员")
    screenshot(page, "lead-referrer-picker-tablet")

    search.press("ArrowDown")  # into the choices: the first match
    expect(page.locator(f"input[name=referrer_student_id][value='{first.id}']")).to_be_focused()
    page.keyboard.press("ArrowDown")  # radio buttons: the arrow checks the next one
    expect(page.locator(f"input[name=referrer_student_id][value='{second.id}']")).to_be_checked()
    search.press("Enter")  # searches again instead of submitting; the choice stays
    expect(page.locator(f"input[name=referrer_student_id][value='{second.id}']")).to_be_checked()
    expect(page).to_have_url(re.compile(r"/leads/new$"))
    page.get_by_test_id("save-lead").click()
    expect(page.locator(".alert-success")).to_contain_text("新同学")
    lead = db.session.scalar(select(Lead).where(Lead.name == "新同学"))
    assert lead.referrer_student_id == second.id


def test_in_english_on_a_touch_tablet_the_choices_read_english_and_are_easy_to_tap(tablet, users, make_student,
                                                                                    make_class, enroll):
    first, second = make_student("张三", phone="13800001111"), make_student("张三", phone="13900002222")
    enroll(first, make_class("英语一班"))
    page = tablet("en")
    sign_in(page, "sales", PASSWORD)
    page.wait_for_url(lambda url: "/login" not in url)
    use_language(page, "en")
    page.goto("/leads/new")
    page.select_option("#source_id", label="转介绍")  # source names are data: as typed
    page.get_by_test_id("referrer-search").fill("zs")
    options = page.get_by_test_id("referrer-option")
    expect(options).to_have_count(2)
    expect(options.nth(0)).to_contain_text("英语一班 · phone ending 1111")
    expect(options.nth(1)).to_contain_text("No class · phone ending 2222")
    expect(page.get_by_test_id("referrer-status")).to_have_text("2 students found.")
    assert not [target for target in small_targets(page) if "referrer" in target or "张三" in target]
    screenshot(page, "lead-referrer-picker-en-touch")
    options.nth(1).tap()
    expect(page.locator(f"input[name=referrer_student_id][value='{second.id}']")).to_be_checked()


def test_without_javascript_the_typed_name_is_sent_and_namesakes_are_offered_to_choose_from(
        browser, live_server, users, make_student):
    first, second = make_student("张三", phone="13800001111"), make_student("张三", phone="13900002222")
    context = browser.new_context(viewport=TABLET, base_url=live_server, locale="zh-CN", java_script_enabled=False)
    try:
        page = context.new_page()
        sign_in(page, "sales", PASSWORD)
        page.goto("/leads/new")
        page.fill("#name", "无脚本")
        page.fill("#phone", "13700137000")
        page.select_option("#source_id", label="转介绍")
        page.fill("#referrer_q", "张三")
        page.get_by_test_id("save-lead").click()
        expect(page.get_by_test_id("referrer-error")).to_have_text("有多位学员与“张三”相符，请选择一位。")
        expect(page.get_by_test_id("referrer-option")).to_have_count(2)
        page.check(f"input[name=referrer_student_id][value='{second.id}']")
        page.get_by_test_id("save-lead").click()
        expect(page.locator(".alert-success")).to_contain_text("无脚本")
    finally:
        context.close()
    lead = db.session.scalar(select(Lead).where(Lead.name == "无脚本"))
    assert lead.referrer_student_id == second.id != first.id
