"""收据 from the enrolment page: staff print the same receipt a parent sees (templates/receipts/receipt.html)."""
from __future__ import annotations

from flask import abort, render_template, url_for

from eduflow.access import STUDENT_WRITERS, get_or_404, role_required
from eduflow.enrollments import bp
from eduflow.enrollments.receipts import receipt_of
from eduflow.models import Enrollment, Payment


@bp.route("/<int:enrollment_id>/payments/<int:payment_id>/receipt")
@role_required(*STUDENT_WRITERS)
def payment_receipt(enrollment_id: int, payment_id: int):
    """打印收据: a payment of an enrolment in scope, as a page that prints on A5."""
    enrollment = get_or_404(Enrollment, enrollment_id)
    payment = get_or_404(Payment, payment_id)
    if payment.enrollment_id != enrollment.id:
        abort(404)
    return render_template("receipts/receipt.html", layout="base.html", receipt=receipt_of(payment),
                           back_url=url_for("enrollments.detail", enrollment_id=enrollment.id))
