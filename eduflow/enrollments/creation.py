"""Enrolments (报名): contract, class capacity, the first payment and the purchase in the ledger.

A class's head count is its active enrolments, never a typed-in number; a class is full at its capacity."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import func, select

from eduflow.enrollments.ledger import post_entry
from eduflow.domain import DomainError, LimitReached
from eduflow.extensions import db
from eduflow.i18n import school_today
from eduflow.models import (
    ClassGroup, ContractStatus, Course, Enrollment, EnrollmentStatus, LedgerKind, Payment, PaymentMethod, Student,
    StudentStatus, User, utcnow,
)
from eduflow.notifications.family_events import payment_received


def head_counts(class_ids: list[int]) -> dict[int, int]:
    """Students per class (its active enrolments), for many classes in one grouped query."""
    if not class_ids:
        return {}
    rows = db.session.execute(
        select(Enrollment.class_id, func.count(Enrollment.id))
        .where(Enrollment.class_id.in_(class_ids), Enrollment.status == EnrollmentStatus.ACTIVE)
        .group_by(Enrollment.class_id)
    )
    found = {class_id: count for class_id, count in rows}
    return {class_id: found.get(class_id, 0) for class_id in class_ids}


def head_count(class_id: int) -> int:
    """Students in one class."""
    return head_counts([class_id])[class_id]


def check_free_seat(class_group: ClassGroup) -> None:
    """A class at its capacity takes no one more."""
    if head_count(class_group.id) >= class_group.capacity:
        raise LimitReached(_("班级 %(name)s 已满（%(capacity)s 人）。", name=class_group.name,
                             capacity=class_group.capacity))


def _check_class(course: Course, class_group: ClassGroup | None, student: Student) -> None:
    if class_group is None:
        return
    if class_group.course_id != course.id:
        raise DomainError(_("所选班级不属于该课程。"))
    if class_group.campus_id != student.campus_id:
        raise DomainError(_("所选班级不在学员所在校区。"))
    check_free_seat(class_group)


def create_enrollment(student: Student, course: Course, *, by: User, contract_no: str, total_fee: Decimal,
                      lessons_purchased: int, gift_lessons: int = 0, class_group: ClassGroup | None = None,
                      enrolled_on: dt.date | None = None, paid_amount: Decimal = Decimal("0"),
                      payment_method: PaymentMethod | None = None,
                      contract_status: ContractStatus = ContractStatus.SIGNED) -> Enrollment:
    """Enrol a student: contract number unique, class not full, lessons credited through the ledger."""
    contract_no = contract_no.strip()
    if not contract_no:
        raise DomainError(_("请填写合同编号。"))
    if db.session.scalar(select(Enrollment.id).where(Enrollment.contract_no == contract_no)) is not None:
        raise DomainError(_("合同编号 %(no)s 已存在。", no=contract_no))
    if lessons_purchased <= 0 or gift_lessons < 0 or total_fee < 0:
        raise DomainError(_("课时数和金额必须为正数。"))
    if paid_amount < 0 or paid_amount > total_fee:
        raise DomainError(_("实收金额不能为负，也不能超过合同金额。"))
    if paid_amount > 0 and payment_method is None:
        raise DomainError(_("请选择支付方式。"))
    _check_class(course, class_group, student)
    enrollment = Enrollment(student_id=student.id, course_id=course.id, class_id=class_group.id if class_group else None,
                            enrolled_on=enrolled_on or school_today(), total_fee=total_fee,
                            payment_method=payment_method, contract_no=contract_no, contract_status=contract_status,
                            lessons_purchased=lessons_purchased, gift_lessons=gift_lessons,
                            status=EnrollmentStatus.ACTIVE, created_by_id=by.id)
    db.session.add(enrollment)
    db.session.flush()
    post_entry(enrollment, LedgerKind.PURCHASE, lessons_purchased, by=by, reason=_("报名 %(no)s", no=contract_no))
    if gift_lessons:
        post_entry(enrollment, LedgerKind.GIFT, gift_lessons, by=by, reason=_("赠送课时"))
    if paid_amount > 0:
        payment = Payment(enrollment_id=enrollment.id, amount=paid_amount, method=payment_method, paid_at=utcnow(),
                          recorded_by_id=by.id)
        db.session.add(payment)
        db.session.flush()
        payment_received(payment, enrollment)  # the family's receipt of the first payment, as for any later one
    if student.status == StudentStatus.POTENTIAL:
        student.status = StudentStatus.ACTIVE
    return enrollment
