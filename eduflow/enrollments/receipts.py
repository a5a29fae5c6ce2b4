"""收据: what a payment's receipt (or a refund's 退款凭证) says, the same for a parent and for staff.

The receipt number is `SJ-<date>-<id>` for a payment and `TK-<date>-<id>` for a refund: the school-local date the
money moved (paid_at) and the payment's id, six digits at least. Both are fixed once the payment is written, so a
receipt printed twice carries the same number, and the id alone makes it unique across campuses.

There is no school-name setting: the receipt is headed by the product's name and the student's campus, with the
campus's address and front-desk phone.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

import cn2an

from eduflow.i18n import from_utc
from eduflow.models import Campus, Payment, PaymentMethod, User

CENT = Decimal("0.01")
RECEIPT_PREFIX, REFUND_PREFIX = "SJ", "TK"  # 收据, 退款


def amount_in_capitals(amount: Decimal | int | str) -> str:
    """The amount in Chinese capitals (大写), as a cheque or receipt writes it: 1005 → 壹仟零伍元整."""
    value = Decimal(str(amount)).quantize(CENT, rounding=ROUND_HALF_UP)
    if value < 0:
        raise ValueError("an amount in capitals is never negative (a refund says so in its title)")
    return cn2an.an2cn(format(value, "f"), "rmb")


def receipt_number(payment: Payment) -> str:
    """SJ-20260315-000042 for a payment, TK-… for a refund: the local date it was paid and the payment's id."""
    prefix = REFUND_PREFIX if payment.is_refund else RECEIPT_PREFIX
    return f"{prefix}-{from_utc(payment.paid_at):%Y%m%d}-{payment.id:06d}"


@dataclass(frozen=True)
class Receipt:
    """One printed receipt: every field the page shows, read from the payment and its enrolment."""

    number: str
    is_refund: bool
    campus: Campus
    student_name: str
    course_name: str
    class_name: str | None
    contract_no: str
    amount: Decimal
    amount_in_capitals: str
    method: PaymentMethod
    paid_at: dt.datetime  # naive UTC, shown on the school's clock
    received_by: User | None
    note: str


def receipt_of(payment: Payment) -> Receipt:
    """The receipt of a payment the caller loaded in scope (get_or_404)."""
    enrollment = payment.enrollment
    return Receipt(
        number=receipt_number(payment), is_refund=payment.is_refund, campus=enrollment.student.campus,
        student_name=enrollment.student.name, course_name=enrollment.course.name,
        class_name=enrollment.class_group.name if enrollment.class_group else None,
        contract_no=enrollment.contract_no, amount=payment.amount,
        amount_in_capitals=amount_in_capitals(payment.amount), method=payment.method, paid_at=payment.paid_at,
        received_by=payment.recorded_by, note=payment.note)
