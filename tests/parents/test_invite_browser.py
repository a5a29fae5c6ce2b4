"""Scan-link sign-up on a phone (375 × 667): staff open the invitation on the student page, the test reads the link
from the page as a camera would, and the parent opens it on the phone, confirms the last four digits, chooses a
password and lands on the home page with the child; nothing scrolls sideways."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from eduflow.extensions import db
from tests import factories
from tests.browser_support import page_width, screenshot, sign_in, small_targets, use_language

PHONE_NUMBER = "13655554321"


def _fits_the_phone(page) -> None:
    width = page_width(page)
    assert width["width"] <= width["viewport"], width
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert small_targets(page) == []


def _prints_on_one_page(page) -> None:
    """The print stylesheet keeps the sheet to one A4 page, without the navigation."""
    page.emulate_media(media="print")
    assert not page.locator("#ef-sidebar").is_visible() and not page.get_by_test_id("invite-print").is_visible()
    pdf = page.pdf(format="A4")
    assert pdf.count(b"/Type /Page") - pdf.count(b"/Type /Pages") == 1
    page.emulate_media(media="screen")


@pytest.mark.parametrize("locale, welcome, wrong", [
    ("zh-CN", "家长端已开通", "后四位不正确"),
    ("en", "Your parent account is ready", "last four digits do not match"),
])
def test_staff_show_the_qr_code_and_the_parent_signs_up_on_the_phone(page, phone, campuses, users, locale, welcome,
                                                                    wrong):
    student = factories.make_student(campuses[0], name="赵小龙", owner=users["sales"])
    parent = factories.make_parent(student, name="赵妈妈", phone=PHONE_NUMBER)
    db.session.commit()

    sign_in(page, users["sales"].username, factories.PASSWORD)
    page.goto(f"/students/{student.id}")
    card = page.get_by_test_id(f"parent-access-{parent.id}")
    expect(card.get_by_test_id("access-state")).to_have_text("未开通")
    card.get_by_test_id(f"invite-parent-{parent.id}").click()
    invite = page.get_by_test_id("parent-invite")
    expect(invite.locator("svg.ef-qr")).to_be_visible()
    link = invite.get_by_test_id("invite-link").inner_text().strip()  # what the camera reads from the QR code
    screenshot(page, "parent-access-card")
    assert "/p/invite/" in link
    invite.get_by_test_id("invite-print-page").click()
    expect(page.get_by_test_id("invite-print")).to_be_visible()
    assert page.get_by_test_id("invite-link").inner_text().strip().startswith(link.split("/p/invite/")[0])
    screenshot(page, "parent-invite-print-page")
    if locale == "zh-CN":
        _prints_on_one_page(page)

    mobile = phone(locale)
    mobile.goto(link)
    if locale == "en":  # Chinese by default; the parent picks English with the page's switch
        use_language(mobile, "en")
        mobile.reload()
    expect(mobile.get_by_test_id("parent-invite")).to_contain_text("赵*龙")
    _fits_the_phone(mobile)
    screenshot(mobile, f"parent-invite-phone-{locale}")
    mobile.fill("input[name=last4]", "0000")
    mobile.fill("input[name=password]", "violet tram harbour 42")
    mobile.fill("input[name=confirm]", "violet tram harbour 42")
    mobile.get_by_test_id("invite-submit").click()
    expect(mobile.locator(".invalid-feedback").first).to_contain_text(wrong)
    mobile.fill("input[name=last4]", PHONE_NUMBER[-4:])
    mobile.fill("input[name=password]", "violet tram harbour 42")
    mobile.fill("input[name=confirm]", "violet tram harbour 42")
    mobile.get_by_test_id("invite-submit").click()
    mobile.wait_for_url(lambda url: url.rstrip("/").endswith("/p"))
    expect(mobile.locator(".alert-success")).to_contain_text(welcome)
    expect(mobile.get_by_text("赵小龙").first).to_be_visible()
    _fits_the_phone(mobile)
    screenshot(mobile, f"parent-invite-home-phone-{locale}")

    page.goto(f"/students/{student.id}")
    expect(page.get_by_test_id(f"parent-access-{parent.id}").get_by_test_id("access-state")).to_have_text("已开通")
    assert mobile.request.get(link).status == 410  # used once (a page load would log the 410 as a console error)
