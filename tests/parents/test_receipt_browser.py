"""The parent's phone (375 × 667): 课时明细 line by line, then a receipt that prints alone on one A5 page; and staff
printing the same receipt from the enrolment page. Both languages."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser_support import page_width, run_axe, screenshot, settle, sign_in, small_targets, use_language
from tests.conftest import PASSWORD
from tests.parents.conftest import sign_in_on_phone
from tests.parents.money_support import mixed_ledger

NAVIGATION = (".ef-parent-top", ".ef-parent-tabs", ".ef-topbar", ".ef-sidebar", "[data-testid=receipt-tools]")


def _fits_the_phone(page) -> None:
    page.wait_for_load_state("load")  # the stylesheets are in: a tapped link's page may show before they apply
    width = page_width(page)
    assert width["width"] <= width["viewport"], width
    assert small_targets(page) == []
    settle(page)
    assert run_axe(page) == []  # no serious or critical accessibility violation (contrast among them)


def _prints_alone_on_one_a5_page(page, name: str) -> None:
    """Print media: no navigation, no buttons, only the receipt; saved as PDF it is one A5 sheet."""
    page.emulate_media(media="print")
    for selector in NAVIGATION:
        for element in page.locator(selector).all():
            expect(element).to_be_hidden()
    expect(page.get_by_test_id("receipt")).to_be_visible()
    screenshot(page, f"{name}-print")
    pdf = page.pdf(prefer_css_page_size=True, print_background=True)
    sizes = re.findall(rb"/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]", pdf)
    assert len(sizes) == 1, f"{len(sizes)} pages"  # one sheet
    width, height = (float(n) for n in sizes[0])
    assert (round(width), round(height)) == (420, 595)  # A5 in points (148 × 210 mm)
    page.emulate_media(media="screen")


@pytest.mark.parametrize("locale, tab, payments, title, capitals_label", [
    ("zh-CN", "课时", "缴费", "收据", "大写"),
    ("en", "Hours", "Fees", "Receipt", "In Chinese capitals"),
])
def test_a_parent_reads_the_hours_line_by_line_then_prints_a_receipt(phone, family, users, locale, tab, payments,
                                                                     title, capitals_label):
    mixed = mixed_ledger(family.first, users)
    page = phone(locale)
    sign_in_on_phone(page)
    if locale == "en":
        use_language(page, "en")
        page.reload()
    page.locator(".ef-parent-tabs").get_by_role("link", name=tab, exact=True).click()
    row = page.get_by_test_id(f"hours-{mixed.enrollment.id}")
    expect(row.get_by_test_id("hours-remaining")).to_contain_text("10")
    _fits_the_phone(page)
    row.click()
    expect(page.get_by_test_id("ledger-balance")).to_have_text("10")
    lines = page.get_by_test_id("ledger-line")
    expect(lines).to_have_count(7)
    expect(lines.first.get_by_test_id("line-status")).to_have_text("补课" if locale == "zh-CN" else "Makeup")
    expect(lines.first.get_by_test_id("line-units")).to_have_text("-1")
    expect(lines.last.get_by_test_id("line-units")).to_have_text("+10")
    _fits_the_phone(page)
    screenshot(page, f"parent-hours-phone-{locale}")
    page.locator(".ef-parent-tabs").get_by_role("link", name=payments, exact=True).click()
    page.get_by_test_id(f"payment-{mixed.payment.id}").click()
    expect(page.get_by_test_id("receipt-title")).to_have_text(title)
    expect(page.get_by_test_id("receipt-capitals")).to_have_text("壹仟零伍元整")
    expect(page.get_by_test_id("receipt")).to_contain_text(capitals_label)
    expect(page.get_by_test_id("receipt-amount")).to_have_text("¥1,005.00")
    page.evaluate("() => { window.printed = false; window.print = () => { window.printed = true; }; }")
    page.get_by_test_id("receipt-print").click()  # app.js: a data-print button opens the print dialog
    assert page.evaluate("() => window.printed")
    _fits_the_phone(page)
    screenshot(page, f"parent-receipt-phone-{locale}")
    _prints_alone_on_one_a5_page(page, f"parent-receipt-{locale}")


def test_staff_print_the_receipt_from_the_enrolment_page(page, family, users):
    mixed = mixed_ledger(family.first, users)
    sign_in(page, "sales", PASSWORD)
    page.goto(f"/enrollments/{mixed.enrollment.id}")
    page.get_by_test_id("payment-receipt").first.click()
    expect(page.get_by_test_id("receipt-school")).to_contain_text("一校区")
    expect(page.get_by_test_id("receipt-received-by")).to_have_text("Sales")
    screenshot(page, "staff-receipt-tablet")
    _prints_alone_on_one_a5_page(page, "staff-receipt")
    page.get_by_test_id("receipt-back").click()
    expect(page.get_by_test_id("payment-table")).to_be_visible()
