"""Refunds (退费): what an enrolment pays back and how the refund is booked.

Gift lessons are never paid back as money. The default refund is the bought lessons left × the unit price
actually paid (net paid ÷ lessons bought on the contract), never more than was paid; the quote carries the
breakdown (bought / gift / consumed / refundable / unit price) that the request and approval forms show.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from flask_babel import gettext as _
from sqlalchemy import case, func, select

from eduflow.enrollments.ledger import Pools, close_out, pool_balances
from eduflow.domain import DomainError
from eduflow.enrollments.services import paid_amounts
from eduflow.extensions import db
from eduflow.models import (
    Enrollment, EnrollmentStatus, LedgerKind, LedgerPool, LessonLedgerEntry, Payment, PaymentMethod, User, utcnow,
)

CENT = Decimal("0.01")
CREDITS = (LedgerKind.PURCHASE, LedgerKind.GIFT, LedgerKind.TRANSFER)  # lessons that came onto the contract
USAGE = (LedgerKind.ATTENDANCE, LedgerKind.CORRECTION)  # lessons the student used (corrections net out)


@dataclass(frozen=True)
class RefundQuote:
    """The numbers behind a refund: lessons credited and used per pool, what is left, and the money."""

    bought: int  # bought lessons credited (purchases and renewals, plus any carried over)
    gift: int  # gift lessons credited
    consumed_bought: int
    consumed_gift: int
    left: Pools  # remainders per pool now (bought may be negative: 欠课时)
    lessons_purchased: int  # the contract's own purchase, the divisor of the unit price
    unit_price: Decimal  # net paid ÷ lessons purchased
    computed: Decimal  # refundable lessons × unit price
    net_paid: Decimal
    suggested: Decimal  # computed, capped at net paid

    @property
    def consumed(self) -> int:
        return self.consumed_bought + self.consumed_gift

    @property
    def refundable(self) -> int:
        """Bought lessons left: the only ones paid back."""
        return max(self.left.bought, 0)

    @property
    def remaining(self) -> int:
        """Every lesson left (bought and gift), all taken off the ledger by the refund."""
        return self.left.total


def _money(value) -> Decimal:
    return Decimal(value).quantize(CENT, ROUND_HALF_UP)


def _credited_and_used(enrollment_id: int) -> dict[tuple[LedgerPool, str], int]:
    """Per pool: the units credited onto the contract and the units used by attendance (net of corrections)."""
    use = case((LessonLedgerEntry.kind.in_(USAGE), "used"), else_="credit")
    rows = db.session.execute(
        select(LessonLedgerEntry.pool, use, func.sum(LessonLedgerEntry.units))
        .where(LessonLedgerEntry.enrollment_id == enrollment_id,
               LessonLedgerEntry.kind.in_(USAGE)
               | (LessonLedgerEntry.kind.in_(CREDITS) & (LessonLedgerEntry.units > 0)))
        .group_by(LessonLedgerEntry.pool, use))
    return {(pool, what): int(total) for pool, what, total in rows}


def refund_quote(enrollment: Enrollment) -> RefundQuote:
    """What a refund of this enrolment pays back by default, with the breakdown behind it."""
    sums = _credited_and_used(enrollment.id)
    left = pool_balances(enrollment.id)
    purchased = enrollment.lessons_purchased
    paid = paid_amounts([enrollment.id])[enrollment.id]
    unit = _money(paid / purchased) if purchased and paid > 0 else _money(0)
    computed = _money(paid * max(left.bought, 0) / purchased) if purchased and paid > 0 else _money(0)
    return RefundQuote(
        bought=sums.get((LedgerPool.BOUGHT, "credit"), 0), gift=sums.get((LedgerPool.GIFT, "credit"), 0),
        consumed_bought=-sums.get((LedgerPool.BOUGHT, "used"), 0),
        consumed_gift=-sums.get((LedgerPool.GIFT, "used"), 0),
        left=left, lessons_purchased=purchased, unit_price=unit, computed=computed, net_paid=paid,
        suggested=max(min(computed, paid), _money(0)))


def check_refund(quote: RefundQuote, amount: Decimal | None) -> Decimal:
    """The amount to refund: the suggested one when none is given; more than zero, at most what was paid."""
    amount = quote.suggested if amount is None else amount
    if quote.net_paid <= 0:
        raise DomainError(_("该报名没有实收金额，无款可退。"))
    if amount <= 0:
        raise DomainError(_("退费金额必须大于零。"))
    if amount > quote.net_paid:
        raise DomainError(_("退费金额 %(amount)s 元超过实收金额 %(paid)s 元。", amount=_money(amount),
                            paid=quote.net_paid))
    return _money(amount)


def _last_method(enrollment: Enrollment) -> PaymentMethod | None:
    return db.session.scalar(select(Payment.method).where(Payment.enrollment_id == enrollment.id,
                                                          Payment.is_refund.is_(False))
                             .order_by(Payment.paid_at.desc(), Payment.id.desc()).limit(1))


def apply_refund(enrollment: Enrollment, *, by: User, amount: Decimal | None, method: PaymentMethod | None,
                 reason: str, note: str) -> Decimal:
    """退费 of a locked, active enrolment: a refund payment, every lesson left (bought and gift) taken off the
    ledger, the enrolment refunded. Returns the amount paid back."""
    amount = check_refund(refund_quote(enrollment), amount)
    method = method or enrollment.payment_method or _last_method(enrollment)
    if method is None:
        raise DomainError(_("请选择退款方式。"))
    db.session.add(Payment(enrollment_id=enrollment.id, amount=amount, method=method, is_refund=True,
                           paid_at=utcnow(), recorded_by_id=by.id, note=note))
    close_out(enrollment, LedgerKind.REFUND, by=by, reason=_("退费：%(reason)s", reason=reason))
    enrollment.status = EnrollmentStatus.REFUNDED
    return amount
