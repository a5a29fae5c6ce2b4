"""Contracts and money: payments, paid and outstanding amounts, contract status, renewals (续费) and the list."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, case, func, or_, select
from sqlalchemy.orm import contains_eager, joinedload

from eduflow.access import scoped
from eduflow.domain import DomainError
from eduflow.enrollments.creation import create_enrollment
from eduflow.enrollments.ledger import carry_in, close_out, post_entry
from eduflow.extensions import db
from eduflow.locks import lock_rows
from eduflow.models import (
    Attendance, ContractStatus, Enrollment, EnrollmentStatus, LedgerKind, LessonLedgerEntry, Payment, PaymentMethod,
    ReminderKind, Student, User, utcnow,
)
from eduflow.models.enums import LabelledEnum
from eduflow.notifications.family_events import payment_received
from eduflow.rollups import school as _school_rollups  # noqa: F401 - keeps the school report rollups with every flush

ZERO = Decimal("0.00")
CLOSED = (EnrollmentStatus.REFUNDED,)  # no more money in or lessons added


class RenewalMode(LabelledEnum):
    SAME = "same", _l("续到本合同")
    NEW = "new", _l("签新合同")


@dataclass
class EnrollmentFilters:
    q: str = ""
    status: EnrollmentStatus | None = None
    course_id: int | None = None
    class_id: int | None = None
    contract_status: ContractStatus | None = None
    owing_only: bool = False


@dataclass
class Renewal:
    mode: RenewalMode
    lessons: int
    fee: Decimal
    gift_lessons: int = 0
    paid_amount: Decimal = ZERO
    payment_method: PaymentMethod | None = None
    contract_no: str = ""
    contract_status: ContractStatus = ContractStatus.SIGNED
    renewed_on: dt.date | None = None


@dataclass(frozen=True)
class Money:
    """An enrolment's fee, what was paid (refunds count negative) and what is still owed."""

    fee: Decimal
    paid: Decimal
    outstanding: Decimal


def net_paid():
    """Each payment's signed amount: refunds count negative."""
    return func.coalesce(func.sum(case((Payment.is_refund, -Payment.amount), else_=Payment.amount)), 0)


def paid_amounts(enrollment_ids: list[int]) -> dict[int, Decimal]:
    """Net paid per enrolment, for a page of enrolments in one query."""
    if not enrollment_ids:
        return {}
    rows = db.session.execute(select(Payment.enrollment_id, net_paid()).where(
        Payment.enrollment_id.in_(enrollment_ids)).group_by(Payment.enrollment_id))
    found = {enrollment_id: _money(total) for enrollment_id, total in rows}
    return {enrollment_id: found.get(enrollment_id, ZERO) for enrollment_id in enrollment_ids}


def _money(total) -> Decimal:
    """The sum keeps the Money column type, so it already comes back in yuan."""
    return Decimal(total or 0).quantize(Decimal("0.01"))


def owes_nothing(enrollment: Enrollment) -> bool:
    return enrollment.contract_status == ContractStatus.VOID or enrollment.status in CLOSED


def money_of(enrollment: Enrollment, paid: Decimal | None = None) -> Money:
    """Fee, net paid and outstanding; a void contract or a refunded enrolment owes nothing."""
    paid = paid_amounts([enrollment.id])[enrollment.id] if paid is None else paid
    owed = ZERO if owes_nothing(enrollment) else max(enrollment.total_fee - paid, ZERO)
    return Money(fee=enrollment.total_fee, paid=paid, outstanding=owed)


def active_enrollments(student_id: int) -> list[Enrollment]:
    """A student's active enrolments, oldest first, with their course and class."""
    return db.session.scalars(select(Enrollment).where(
        Enrollment.student_id == student_id, Enrollment.status == EnrollmentStatus.ACTIVE)
        .options(joinedload(Enrollment.course), joinedload(Enrollment.class_group))
        .order_by(Enrollment.enrolled_on, Enrollment.id)).all()


def lock_enrollment(enrollment_id: int) -> None:
    """Serialise writers of one enrolment (payments, marks, renewals, refunds): checks made after it see what a
    concurrent writer committed."""
    lock_rows(Enrollment, [enrollment_id])


def record_payment(enrollment: Enrollment, *, amount: Decimal, method: PaymentMethod, by: User,
                   paid_at: dt.datetime | None = None, note: str = "") -> Payment:
    """A payment towards the contract: more than zero and at most what is still owed; the family's receipt
    (缴费凭证) is written with it. A refund (refunds.py) sends none: its 退款凭证 is on the portal's payments page."""
    lock_enrollment(enrollment.id)
    db.session.refresh(enrollment)
    if owes_nothing(enrollment):
        raise DomainError(_("作废或已退费的报名不能再收款。"))
    if amount <= 0:
        raise DomainError(_("收款金额必须大于零。"))
    owed = money_of(enrollment).outstanding
    if amount > owed:
        raise DomainError(_("收款金额 %(amount)s 元超过待收金额 %(owed)s 元。", amount=amount, owed=owed))
    payment = Payment(enrollment_id=enrollment.id, amount=amount, method=method, paid_at=paid_at or utcnow(),
                      note=note, recorded_by_id=by.id)
    db.session.add(payment)
    db.session.flush()
    payment_received(payment, enrollment)
    return payment


def change_contract_status(enrollment: Enrollment, status: ContractStatus, *, by: User) -> None:
    """未签订 ↔ 已签订 freely; 作废 is final and cancels the enrolment and its remaining lessons."""
    lock_enrollment(enrollment.id)
    db.session.refresh(enrollment)
    if enrollment.contract_status == status:
        return
    if enrollment.contract_status == ContractStatus.VOID:
        raise DomainError(_("已作废的合同不能再更改状态。"))
    if status == ContractStatus.VOID and enrollment.status != EnrollmentStatus.ACTIVE:
        raise DomainError(_("只有生效中的报名可以作废合同。"))
    if status == ContractStatus.VOID:
        _void(enrollment, by)
    enrollment.contract_status = status
    db.session.flush()


def _void(enrollment: Enrollment, by: User) -> None:
    """Voiding is for a contract entered by mistake: no lessons attended, no money kept."""
    attended = db.session.scalar(select(func.count(Attendance.id)).where(Attendance.enrollment_id == enrollment.id))
    if attended:
        raise DomainError(_("该报名已有考勤记录，不能作废合同；请走退费或转班流程。"))
    if money_of(enrollment).paid > 0:
        raise DomainError(_("该报名已有实收款，不能直接作废；请先走退费流程。"))
    close_out(enrollment, LedgerKind.CORRECTION, by=by, reason=_("合同 %(no)s 作废", no=enrollment.contract_no))
    enrollment.status = EnrollmentStatus.FINISHED


def renew_enrollment(enrollment: Enrollment, renewal: Renewal, *, by: User) -> Enrollment:
    """续费: more lessons on this contract, or a new contract that takes over this one's balance.
    Returns the enrolment now holding the lessons; pending low-hours reminders of this one are settled."""
    lock_enrollment(enrollment.id)
    db.session.refresh(enrollment)
    if enrollment.status != EnrollmentStatus.ACTIVE or enrollment.contract_status == ContractStatus.VOID:
        raise DomainError(_("只有生效中的报名可以续费。"))
    if renewal.lessons <= 0 or renewal.gift_lessons < 0 or renewal.fee < 0 or renewal.paid_amount < 0:
        raise DomainError(_("课时数和金额必须为正数。"))
    if renewal.mode == RenewalMode.SAME:
        target = _renew_same(enrollment, renewal, by)
        kinds = (ReminderKind.LOW_HOURS,)
    else:
        target = _renew_as_new(enrollment, renewal, by)
        kinds = tuple(ReminderKind)  # the old contract is closed: nothing left to remind about
    from eduflow.enrollments.reminders import settle_reminders  # imported here: reminders imports this module

    settle_reminders(enrollment, kinds, by=by, note=_("已续费"))
    return target


def _renew_same(enrollment: Enrollment, renewal: Renewal, by: User) -> Enrollment:
    """The contract grows: fee and lessons purchased add up; lessons are credited through the ledger."""
    enrollment.total_fee += renewal.fee
    enrollment.lessons_purchased += renewal.lessons
    enrollment.gift_lessons += renewal.gift_lessons
    db.session.flush()
    post_entry(enrollment, LedgerKind.PURCHASE, renewal.lessons, by=by,
               reason=_("续费 %(no)s", no=enrollment.contract_no))
    if renewal.gift_lessons:
        post_entry(enrollment, LedgerKind.GIFT, renewal.gift_lessons, by=by, reason=_("续费赠送课时"))
    if renewal.paid_amount > 0:
        if renewal.payment_method is None:
            raise DomainError(_("请选择支付方式。"))
        record_payment(enrollment, amount=renewal.paid_amount, method=renewal.payment_method, by=by, note=_("续费"))
    return enrollment


def _renew_as_new(enrollment: Enrollment, renewal: Renewal, by: User) -> Enrollment:
    """A new contract for the same course and class; the old one ends and hands over its balance (debts too),
    bought and gift lessons each to the same pool."""
    enrollment.status = EnrollmentStatus.FINISHED  # before create_enrollment, so the seat is not counted twice
    db.session.flush()
    successor = create_enrollment(
        enrollment.student, enrollment.course, by=by, contract_no=renewal.contract_no, total_fee=renewal.fee,
        lessons_purchased=renewal.lessons, gift_lessons=renewal.gift_lessons, class_group=enrollment.class_group,
        enrolled_on=renewal.renewed_on, paid_amount=renewal.paid_amount, payment_method=renewal.payment_method,
        contract_status=renewal.contract_status)
    for payment in db.session.scalars(select(Payment).where(Payment.enrollment_id == successor.id)):
        payment_received(payment, successor)  # the new contract's first payment: its receipt, as record_payment's
    held = close_out(enrollment, LedgerKind.TRANSFER, by=by,
                     reason=_("续费结转至合同 %(no)s", no=successor.contract_no))
    carry_in(successor, LedgerKind.TRANSFER, held, by=by, reason=_("由合同 %(no)s 结转", no=enrollment.contract_no))
    return successor


def purchase_history(enrollment: Enrollment) -> list[LessonLedgerEntry]:
    """The enrolment's credits in order: the first is the enrolment itself, later ones are renewals."""
    return db.session.scalars(select(LessonLedgerEntry).where(
        LessonLedgerEntry.enrollment_id == enrollment.id,
        LessonLedgerEntry.kind.in_([LedgerKind.PURCHASE, LedgerKind.GIFT, LedgerKind.TRANSFER]))
        .order_by(LessonLedgerEntry.created_at, LessonLedgerEntry.id)).all()


def related_contracts(enrollment: Enrollment, user: User) -> list[Enrollment]:
    """The student's other contracts for the same course (renewals signed as new contracts), in scope."""
    return db.session.scalars(scoped(Enrollment, user).where(
        Enrollment.student_id == enrollment.student_id, Enrollment.course_id == enrollment.course_id,
        Enrollment.id != enrollment.id).order_by(Enrollment.enrolled_on, Enrollment.id)).all()


def student_name_clause(q: str):
    """张三 is found by 张, zhangsan or zs."""
    letters = q.replace(" ", "").lower()
    return or_(Student.name.contains(q, autoescape=True), Student.name_pinyin.startswith(letters),
               Student.name_initials.startswith(letters))


def students_to_enrol(user: User, q: str, limit: int = 20) -> list[Student]:
    """The user's students matching a name, to pick one to enrol."""
    return db.session.scalars(scoped(Student, user).where(student_name_clause(q.strip()))
                              .order_by(Student.name).limit(limit)).all()


def filtered_enrollments(user: User, filters: EnrollmentFilters) -> Select:
    """The user's enrolments (scope applied) narrowed by the filters, newest first."""
    query = (scoped(Enrollment, user).join(Student, Student.id == Enrollment.student_id)
             .options(contains_eager(Enrollment.student), joinedload(Enrollment.course),
                      joinedload(Enrollment.class_group)))
    q = filters.q.strip()
    if q:
        query = query.where(or_(student_name_clause(q), Enrollment.contract_no.contains(q, autoescape=True)))
    for column, value in ((Enrollment.status, filters.status), (Enrollment.course_id, filters.course_id),
                          (Enrollment.class_id, filters.class_id),
                          (Enrollment.contract_status, filters.contract_status)):
        if value is not None:
            query = query.where(column == value)
    if filters.owing_only:
        paid = select(net_paid()).where(Payment.enrollment_id == Enrollment.id).scalar_subquery()
        query = query.where(Enrollment.contract_status != ContractStatus.VOID, Enrollment.status.not_in(CLOSED),
                            Enrollment.total_fee > paid)
    return query.order_by(Enrollment.enrolled_on.desc(), Enrollment.id.desc())
