"""课时 and 缴费 on the parent side: remaining hours, 课时明细 line by line, payments and their receipts."""
from __future__ import annotations

from flask import render_template, url_for

from eduflow.access.scopes import get_or_404
from eduflow.enrollments.ledger import balance
from eduflow.enrollments.receipts import receipt_number, receipt_of
from eduflow.models import Enrollment, Payment
from eduflow.parents import bp
from eduflow.parents.access import parent_required
from eduflow.parents.money import hours_overview, ledger_lines, my_payments


@bp.route("/p/hours")
@parent_required
def hours():
    """课时: every enrolment of the children (active ones first) with its remaining lessons."""
    return render_template("parents/hours.html", children=hours_overview())


@bp.route("/p/hours/<int:enrollment_id>")
@parent_required
def hours_detail(enrollment_id: int):
    """课时明细: why each lesson was credited or deducted, newest first, with the balance after each line."""
    enrollment = get_or_404(Enrollment, enrollment_id)
    lines = ledger_lines(enrollment)
    return render_template("parents/hours_detail.html", enrollment=enrollment, lines=list(reversed(lines)),
                           remaining=balance(enrollment.id))


@bp.route("/p/payments")
@parent_required
def payments():
    """缴费记录: the children's payments and refunds, newest first, each with its receipt."""
    return render_template("parents/payments.html", payments=my_payments(), receipt_number=receipt_number)


@bp.route("/p/payments/<int:payment_id>/receipt")
@parent_required
def payments_receipt(payment_id: int):
    """收据 of one of the children's payments (a refund's 退款凭证), printable on A5."""
    payment = get_or_404(Payment, payment_id)
    return render_template("receipts/receipt.html", layout="parents/base.html", receipt=receipt_of(payment),
                           back_url=url_for("parent.payments"))
