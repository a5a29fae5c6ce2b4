"""收据: the amount in Chinese capitals, the receipt number, and who may open a receipt (parents and staff)."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from eduflow.enrollments.receipts import amount_in_capitals, receipt_number
from eduflow.extensions import db
from eduflow.models import Payment, PaymentMethod
from tests import factories
from tests.parents.money_support import mixed_ledger, refund

CAPITALS = [  # written by hand, as a cashier writes them
    ("0.5", "伍角"),
    ("0.05", "伍分"),
    ("0.01", "壹分"),
    ("10", "壹拾元整"),
    ("10.50", "壹拾元伍角"),
    ("1005", "壹仟零伍元整"),
    ("20001", "贰万零壹元整"),
    ("10000.09", "壹万元零玖分"),
    ("100000", "壹拾万元整"),
    ("100010", "壹拾万零壹拾元整"),
    ("1234567.89", "壹佰贰拾叁万肆仟伍佰陆拾柒元捌角玖分"),
    ("4800.00", "肆仟捌佰元整"),
]


@pytest.mark.parametrize(("amount", "expected"), CAPITALS)
def test_amount_in_capitals_as_written_by_hand(amount, expected):
    assert amount_in_capitals(Decimal(amount)) == expected


def test_amount_in_capitals_takes_ints_and_text_and_rounds_to_the_cent():
    assert amount_in_capitals(10) == amount_in_capitals("10.00") == "壹拾元整"
    assert amount_in_capitals(Decimal("0.505")) == "伍角壹分"


def test_amount_in_capitals_refuses_a_negative_amount():
    with pytest.raises(ValueError):
        amount_in_capitals(Decimal("-1"))


def test_the_receipt_number_is_the_local_date_and_the_id():
    paid = Payment(id=42, paid_at=dt.datetime(2026, 3, 14, 17, 30), is_refund=False)  # 01:30 on the 15th in Shanghai
    assert receipt_number(paid) == "SJ-20260315-000042"
    assert receipt_number(Payment(id=1234567, paid_at=dt.datetime(2026, 3, 14), is_refund=True)) == "TK-20260314-1234567"


def test_a_parent_opens_the_receipt_of_a_childs_payment(client, family, users, parent_login):
    mixed = mixed_ledger(family.first, users)
    parent_login()
    listing = client.get("/p/payments").get_data(as_text=True)
    assert f'href="/p/payments/{mixed.payment.id}/receipt"' in listing and "¥1,005.00" in listing
    page = client.get(f"/p/payments/{mixed.payment.id}/receipt").get_data(as_text=True)
    for text in ("收据", receipt_number(mixed.payment), "一校区", "人民路 1 号", "王小明", "少儿英语", "英语一班",
                 mixed.enrollment.contract_no, "¥1,005.00", "壹仟零伍元整", "现金", "Sales",
                 "EduFlow 智慧教务"):
        assert text in page, text
    assert "退款凭证" not in page


def test_a_refund_prints_as_a_refund_voucher_and_is_listed_as_a_refund(client, family, users, parent_login):
    mixed = mixed_ledger(family.first, users)
    paid_back = refund(mixed.enrollment, users)
    parent_login()
    listing = client.get("/p/payments").get_data(as_text=True)
    assert listing.index(f"/p/payments/{paid_back.id}/receipt") < listing.index(f"/p/payments/{mixed.payment.id}/")
    assert 'data-testid="payment-refund"' in listing and f"-¥{paid_back.amount:,.2f}" in listing
    page = client.get(f"/p/payments/{paid_back.id}/receipt").get_data(as_text=True)
    assert "退款凭证" in page and receipt_number(paid_back).startswith("TK-") and "Manager" in page
    assert amount_in_capitals(paid_back.amount) in page


def test_the_receipt_speaks_english_but_keeps_the_chinese_capitals(client, family, users, parent_login):
    mixed = mixed_ledger(family.first, users)
    client.post("/language", data={"locale": "en"})
    parent_login()
    page = client.get(f"/p/payments/{mixed.payment.id}/receipt").get_data(as_text=True)
    for text in ("Receipt", "Received by", "In Chinese capitals", "Cash", "Print / save as PDF"):
        assert text in page, text
    assert '<dd lang="zh-CN" class="ef-receipt-capitals" data-testid="receipt-capitals">壹仟零伍元整</dd>' in page


def test_another_familys_payment_answers_a_parent_404(client, family, users, parent_login):
    mixed = mixed_ledger(family.other, users)
    parent_login()
    assert client.get(f"/p/payments/{mixed.payment.id}/receipt").status_code == 404
    assert client.get("/p/payments/999999/receipt").status_code == 404
    assert f"/p/payments/{mixed.payment.id}/" not in client.get("/p/payments").get_data(as_text=True)


def test_staff_print_the_same_receipt_from_the_enrolment_page(client, login_as, family, users):
    mixed = mixed_ledger(family.first, users)
    login_as("sales")
    detail = client.get(f"/enrollments/{mixed.enrollment.id}").get_data(as_text=True)
    url = f"/enrollments/{mixed.enrollment.id}/payments/{mixed.payment.id}/receipt"
    assert f'href="{url}"' in detail and "打印收据" in detail
    page = client.get(url).get_data(as_text=True)
    assert receipt_number(mixed.payment) in page and "壹仟零伍元整" in page and 'data-testid="main-nav"' in page


def test_staff_receipts_keep_their_scope(client, login_as, family, users):
    mixed = mixed_ledger(family.first, users)  # owned by sales on 一校区
    other = factories.make_student(family.first.campus, name="陈别人", owner=users["sales2"])
    foreign = factories.enroll(other, mixed.enrollment.course, by=users["sales2"], paid="300")
    db.session.commit()
    foreign_payment = foreign.payments[0]
    own_url = f"/enrollments/{mixed.enrollment.id}/payments/{mixed.payment.id}/receipt"
    expected = {
        ("sales2", own_url): 404,  # another salesperson's student
        ("sales", f"/enrollments/{foreign.id}/payments/{foreign_payment.id}/receipt"): 404,
        # a payment of another enrolment, named under an enrolment the user may see
        ("sales", f"/enrollments/{mixed.enrollment.id}/payments/{foreign_payment.id}/receipt"): 404,
        ("manager_b", own_url): 404,  # the other campus
        ("teacher", own_url): 403,
        ("academic", own_url): 200,
    }
    for (who, url), status in expected.items():
        login_as(who)
        assert client.get(url).status_code == status, (who, url)
        login_as.logout()


def test_the_receipt_method_label_follows_the_payment(client, family, users, parent_login):
    mixed = mixed_ledger(family.first, users)
    first = mixed.enrollment.payments[0]
    assert first.method == PaymentMethod.WECHAT
    parent_login()
    page = client.get(f"/p/payments/{first.id}/receipt").get_data(as_text=True)
    assert "微信支付" in page and "壹仟元整" in page
