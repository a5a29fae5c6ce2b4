"""Enrolments in the real browser on a tablet: a payment updates paid and outstanding in place; reminders.

Screenshots come last in each test: Playwright's screenshot leaves an empty style="" on inputs, which htmx's
settle step would then copy onto the swapped-in inputs, a (harmless) CSP report the page fixture counts as an error.
"""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from eduflow.extensions import db
from eduflow.models import ReminderKind, RenewalReminder
from tests.browser_support import screenshot, sign_in
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


def test_a_payment_updates_paid_and_outstanding_on_a_tablet(page, users, make_student, make_class, enroll):
    enrollment = enroll(make_student("王小明"), class_group=make_class(), fee="3000", paid="1000")
    sign_in(page, "sales", PASSWORD)
    page.goto(f"/enrollments/{enrollment.id}")
    expect(page.get_by_test_id("outstanding-amount")).to_have_text("2000.00")

    page.fill("#amount", "5000")
    page.select_option("#method", "cash")
    page.get_by_test_id("payment-submit").click()
    expect(page.get_by_test_id("payment-error")).to_contain_text("超过待收金额")
    expect(page.get_by_test_id("paid-amount")).to_have_text("1000.00")

    page.fill("#amount", "800")
    page.select_option("#method", "alipay")
    page.fill("#note", "第二期")
    page.get_by_test_id("payment-submit").click()
    expect(page.get_by_test_id("paid-amount")).to_have_text("1800.00")
    expect(page.get_by_test_id("outstanding-amount")).to_have_text("1200.00")
    expect(page.get_by_test_id("payment-row")).to_have_count(2)
    expect(page.get_by_test_id("detail-message")).to_contain_text("已收款 800.00 元")
    expect(page.get_by_test_id("payment-error")).to_have_count(0)
    assert page.url.endswith(f"/enrollments/{enrollment.id}")
    page.evaluate("window.scrollTo(0, 0)")
    screenshot(page, "enrollment-payment-tablet")

    page.reload()
    expect(page.get_by_test_id("paid-amount")).to_have_text("1800.00")


def _reminder(users, enrollment, urgent):
    reminder = RenewalReminder(student_id=enrollment.student_id, enrollment_id=enrollment.id, is_urgent=urgent,
                               kind=ReminderKind.LOW_HOURS, trigger_value="-1" if urgent else "3",
                               assigned_to_id=users["sales"].id)
    db.session.add(reminder)
    db.session.commit()
    return reminder


def test_a_reminder_is_ignored_with_a_note_on_a_tablet(page, users, make_student, enroll):
    calm = _reminder(users, enroll(make_student("张小军"), lessons=3), urgent=False)
    urgent = _reminder(users, enroll(make_student("李小红"), lessons=3), urgent=True)
    sign_in(page, "sales", PASSWORD)
    page.goto("/enrollments/reminders")
    expect(page.get_by_test_id("reminder-list").locator(".card").first).to_have_id(f"reminder-{urgent.id}")
    row = page.get_by_test_id(f"reminder-{calm.id}")
    row.get_by_test_id("reminder-ignored").click()
    expect(row.get_by_test_id("reminder-error")).to_contain_text("需要填写备注")
    row.get_by_test_id("reminder-note").fill("家长暂不续费")
    row.get_by_test_id("reminder-ignored").click()
    expect(row.get_by_test_id("reminder-done")).to_contain_text("已忽略")
    expect(page.get_by_test_id(f"reminder-{urgent.id}").get_by_test_id("reminder-urgent")).to_be_visible()
    screenshot(page, "renewal-reminders-tablet")


def test_enrolling_on_a_tablet_fills_the_course_defaults(page, users, course, make_student, make_class, enroll):
    student, group = make_student("赵小花"), make_class()
    enroll(make_student("钱多多"), fee="3000", paid="500")
    sign_in(page, "sales", PASSWORD)
    page.goto(f"/enrollments/new?student_id={student.id}")
    page.select_option("#course_id", str(course.id))
    expect(page.locator("#total_fee")).to_have_value(f"{course.price:.2f}")
    expect(page.locator("#lessons_purchased")).to_have_value(str(course.total_lessons))
    page.select_option("#class_id", str(group.id))
    page.fill("#contract_no", "HT-PAD-1")
    page.fill("#paid_amount", "1000")
    page.select_option("#payment_method", "card")
    screenshot(page, "enrollment-new-tablet")
    page.get_by_test_id("enrollment-submit").click()
    expect(page.locator(".alert-success")).to_contain_text("HT-PAD-1")
    page.goto("/enrollments")
    expect(page.get_by_test_id("enrollment-table").locator("tbody tr")).to_have_count(2)
    page.get_by_test_id("filter-owing").check()
    expect(page.get_by_test_id("enrollment-total")).to_have_text("共 2 条报名")
    page.get_by_test_id("enrollment-search").fill("钱")
    expect(page.get_by_test_id("enrollment-total")).to_have_text("共 1 条报名")
    page.get_by_test_id("enrollment-search").fill("")
    expect(page.get_by_test_id("enrollment-total")).to_have_text("共 2 条报名")
    screenshot(page, "enrollment-list-tablet")


def test_renewing_on_a_tablet_adds_lessons_to_the_contract(page, users, make_student, make_class, enroll):
    enrollment = enroll(make_student("孙小雨"), class_group=make_class(), lessons=4, paid="3000")
    sign_in(page, "sales", PASSWORD)
    page.goto(f"/enrollments/{enrollment.id}")
    page.get_by_test_id("renew").click()
    expect(page.locator("#contract_no")).to_be_hidden()
    page.locator("label", has_text="签新合同").click()
    expect(page.locator("#contract_no")).to_be_visible()
    page.locator("label", has_text="续到本合同").click()
    expect(page.locator("#contract_no")).to_be_hidden()
    page.fill("#lessons", "10")
    page.fill("#gift_lessons", "1")
    page.fill("#fee", "1500")
    screenshot(page, "enrollment-renew-tablet")
    page.get_by_test_id("renewal-submit").click()
    expect(page.get_by_test_id("remaining-lessons")).to_have_text("15")
    expect(page.get_by_test_id("outstanding-amount")).to_have_text("1500.00")
    expect(page.get_by_test_id("purchase-row")).to_have_count(3)
