"""课消通知 end to end: a teacher taps 出勤 on the attendance sheet on the tablet, and the parent's inbox on the
phone shows the message with the units deducted and the balance after within seconds (the test app fans out in
place, EDUFLOW_QUEUE_IMMEDIATE; the parent's page is reloaded as a parent would pull it down)."""
from __future__ import annotations

import time

from playwright.sync_api import expect

from eduflow.extensions import db
from eduflow.models import Notification, NotificationKind as Kind
from tests import factories
from tests.browser_support import page_width, screenshot, sign_in
from tests.parents.conftest import phone, sign_in_on_phone  # noqa: F401 - the phone fixture

WITHIN = 5.0  # seconds between the tap and the message on the phone


def _message_shown(page, text: str, within: float) -> float:
    """Reload the inbox until a message containing `text` shows (at most `within` s); the seconds it took."""
    start = time.monotonic()
    while True:
        page.reload()
        if page.get_by_text(text).count():
            return time.monotonic() - start
        if time.monotonic() - start > within:
            raise AssertionError(f"no message with {text!r} in the inbox after {within} s")
        page.wait_for_timeout(250)


def test_a_teacher_marks_present_on_the_tablet_and_the_parent_reads_the_deduction_on_the_phone(
        tablet, phone, users, family, make_class, make_lesson):
    group = make_class("英语一班")
    enrollment = factories.enroll(family.first, group.course, by=users["academic"], group=group, lessons=10)
    db.session.commit()
    lesson = make_lesson(group)

    parent = phone()
    sign_in_on_phone(parent)
    parent.goto("/p/inbox")
    expect(parent.get_by_text("扣除 1 课时")).to_have_count(0)

    sheet = tablet()
    sign_in(sheet, "teacher", factories.PASSWORD)
    sheet.wait_for_url(lambda url: "/login" not in url)
    sheet.goto(f"/lessons/{lesson.id}/attendance")
    row = sheet.get_by_test_id(f"row-{enrollment.student_id}")
    row.get_by_test_id("mark-present").click()
    expect(row.get_by_test_id("saved")).to_be_visible()
    expect(row.get_by_test_id("balance")).to_have_text("剩余 9 课时")

    took = _message_shown(parent, "扣除 1 课时", WITHIN)
    assert took <= WITHIN
    card = parent.locator("article", has_text="扣除 1 课时")
    expect(card).to_have_count(1)
    expect(card).to_contain_text("课消通知：王小明")
    expect(card).to_contain_text("剩余 9 课时")
    expect(card).to_contain_text("出勤")
    width = page_width(parent)
    assert width["width"] <= width["viewport"], width
    screenshot(parent, "parent-inbox-deduction-phone")

    (inbox_row,) = db.session.query(Notification).filter_by(student_id=family.first.id,
                                                           kind=Kind.LESSON_DEDUCTED).all()
    assert inbox_row.parent_account_id == family.account.id
