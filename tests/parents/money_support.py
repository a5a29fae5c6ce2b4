"""A child's enrolment whose ledger holds one of everything: purchase, gift, attendance, a correction, a leave
that took nothing and a makeup attended in another class (tests of 课时明细 and receipts)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from eduflow.attendance.makeups import book_makeup
from eduflow.attendance.services import mark_attendance
from eduflow.enrollments.refunds import apply_refund
from eduflow.enrollments.services import lock_enrollment, record_payment
from eduflow.extensions import db
from eduflow.i18n import school_today
from eduflow.models import AttendanceStatus, Enrollment, Payment, PaymentMethod
from tests import factories

PRESENT, LEAVE = AttendanceStatus.PRESENT, AttendanceStatus.LEAVE


@dataclass
class MixedLedger:
    enrollment: Enrollment
    payment: Payment  # the second payment (¥1,005.00 by cash, recorded by `sales`)


def mixed_ledger(student, users, *, course_name: str = "少儿英语") -> MixedLedger:
    """10 bought + 2 gift lessons; present (−1), present corrected to leave (−1, +1), leave (0), a makeup of that
    leave attended (−1): 10 left. Paid 1,000 by WeChat at enrolment and 1,005 in cash later."""
    course = factories.make_course(course_name, total_lessons=10, price="3000")
    campus = student.campus
    group = factories.make_class(course, campus, name="英语一班", head=users["teacher"])
    other = factories.make_class(course, campus, name="英语二班")
    enrollment = factories.enroll(student, course, by=users["sales"], group=group, lessons=10, gift=2, fee="3000",
                                  paid="1000")
    today = school_today()
    lessons = [factories.make_lesson(group, today - dt.timedelta(days=n), teacher=users["teacher"])
               for n in (3, 2, 1)]
    target = factories.make_lesson(other, today, start=dt.time(15), teacher=users["teacher"])
    db.session.commit()
    for lesson, status in ((lessons[0], PRESENT), (lessons[1], PRESENT), (lessons[1], LEAVE), (lessons[2], LEAVE)):
        mark_attendance(lesson, student.id, status, by=users["academic"])
        db.session.commit()
    book_makeup(lessons[2], student.id, target, by=users["academic"])
    db.session.commit()
    mark_attendance(target, student.id, PRESENT, by=users["teacher"])
    payment = record_payment(enrollment, amount=Decimal("1005"), method=PaymentMethod.CASH,
                             by=users["sales"])
    db.session.commit()
    return MixedLedger(enrollment, payment)


def refund(enrollment: Enrollment, users) -> Payment:
    """退费 of what is left (the default amount), recorded by the manager."""
    lock_enrollment(enrollment.id)
    apply_refund(enrollment, by=users["manager"], amount=None, method=PaymentMethod.WECHAT, reason="搬家",
                 note="")
    db.session.commit()
    return db.session.scalars(db.select(Payment).where(Payment.enrollment_id == enrollment.id,
                                                       Payment.is_refund.is_(True))).one()
