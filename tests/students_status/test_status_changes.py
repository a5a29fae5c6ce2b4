"""Status changes as services: each kind applies on approval, refunds and transfers keep the ledger right,
nonsense and second decisions are refused and change nothing."""
from __future__ import annotations

import json

from decimal import Decimal

import pytest
from sqlalchemy import func, select

from eduflow.enrollments.ledger import balance, post_entry
from eduflow.domain import DomainError
from eduflow.extensions import db
from eduflow.models import (
    ApprovalStatus, EnrollmentStatus, LedgerKind, LessonLedgerEntry, Payment, PaymentMethod, StatusChange,
    StatusChangeKind, StudentStatus,
)
from eduflow.students.status_changes import (
    StatusRequest, decide, decided_changes, pending_changes, refund_quote, request_change,
)
from tests import factories

Kind = StatusChangeKind


def _ask(student, kind, by, **fields):
    change = request_change(student, StatusRequest(kind=kind, reason=fields.pop("reason", "家长申请"), **fields), by=by)
    db.session.commit()
    return change


def _attend(enrollment, users, lessons: int):
    post_entry(enrollment, LedgerKind.ATTENDANCE, -lessons, by=users["teacher"], reason="上课")
    db.session.commit()


def _ledger_sum(enrollment_id: int) -> int:
    return db.session.scalar(select(func.sum(LessonLedgerEntry.units)).where(
        LessonLedgerEntry.enrollment_id == enrollment_id))


# ---------- requests ----------

def test_a_request_records_old_and_new_status_and_stays_pending(users, enrolled):
    student, _group, _enrollment = enrolled
    change = _ask(student, Kind.SUSPEND, users["sales"], reason="骨折休养")
    assert (change.old_status, change.new_status) == (StudentStatus.ACTIVE, StudentStatus.SUSPENDED)
    assert change.approval_status == ApprovalStatus.PENDING
    assert change.requested_by_id == users["sales"].id and change.reason == "骨折休养"
    assert db.session.get(type(student), student.id).status == StudentStatus.ACTIVE  # nothing applied yet


def test_resume_is_refused_for_a_student_who_is_not_suspended(users, enrolled):
    student, _group, _enrollment = enrolled
    with pytest.raises(DomainError, match="不能办理复学"):
        _ask(student, Kind.RESUME, users["sales"])


def test_a_second_pending_request_of_the_same_kind_is_refused(users, enrolled):
    student, _group, enrollment = enrolled
    _ask(student, Kind.SUSPEND, users["sales"])
    with pytest.raises(DomainError, match="待审批"):
        _ask(student, Kind.SUSPEND, users["academic"])
    _ask(student, Kind.REFUND, users["sales"], enrollment_id=enrollment.id)
    with pytest.raises(DomainError, match="待审批"):
        _ask(student, Kind.REFUND, users["sales"], enrollment_id=enrollment.id)


def test_a_reason_and_for_refund_or_transfer_an_active_enrolment_are_required(users, enrolled, make_student, enroll):
    student, _group, _enrollment = enrolled
    with pytest.raises(DomainError, match="原因"):
        _ask(student, Kind.SUSPEND, users["sales"], reason="  ")
    with pytest.raises(DomainError, match="报名"):
        _ask(student, Kind.REFUND, users["sales"])
    other = enroll(make_student(name="别人"))
    with pytest.raises(DomainError, match="自己的报名"):
        _ask(student, Kind.TRANSFER, users["sales"], enrollment_id=other.id)
    assert db.session.scalar(select(func.count(StatusChange.id))) == 0


# ---------- refund ----------

def test_the_refund_quote_is_bought_lessons_left_times_the_paid_unit_price(users, make_student, enroll):
    enrollment = enroll(make_student(), lessons=20, gift=4, fee=Decimal("3000"), paid=Decimal("3000"))
    _attend(enrollment, users, 10)  # bought lessons are used first: 10 bought and the 4 gift lessons left
    quote = refund_quote(enrollment)
    assert (quote.remaining, quote.refundable, quote.unit_price, quote.computed) == (
        14, 10, Decimal("150.00"), Decimal("1500.00"))
    assert quote.suggested == Decimal("1500.00")


def test_the_unit_price_is_what_was_paid_per_bought_lesson(users, make_student, enroll):
    enrollment = enroll(make_student(), fee=Decimal("3000"), paid=Decimal("1000"))
    quote = refund_quote(enrollment)
    assert quote.unit_price == Decimal("50.00") and quote.computed == quote.suggested == Decimal("1000.00")


def test_a_refund_request_defaults_to_the_quote_and_may_be_edited(users, enrolled):
    student, _group, enrollment = enrolled
    _attend(enrollment, users, 4)
    assert _ask(student, Kind.REFUND, users["sales"], enrollment_id=enrollment.id).refund_amount == Decimal("2400.00")


def test_a_refund_larger_than_paid_is_refused(users, enrolled):
    student, _group, enrollment = enrolled
    with pytest.raises(DomainError, match="超过实收金额"):
        _ask(student, Kind.REFUND, users["sales"], enrollment_id=enrollment.id, refund_amount=Decimal("3000.01"))
    with pytest.raises(DomainError, match="大于零"):
        _ask(student, Kind.REFUND, users["sales"], enrollment_id=enrollment.id, refund_amount=Decimal("0"))


def test_approving_a_refund_pays_back_zeroes_the_balance_and_refunds_the_student(users, enrolled):
    student, _group, enrollment = enrolled
    _attend(enrollment, users, 4)
    change = _ask(student, Kind.REFUND, users["sales"], enrollment_id=enrollment.id, refund_amount=Decimal("2000"))
    decide(change, by=users["manager"], approve=True, notes="同意", refund_amount=Decimal("1800.50"))
    db.session.commit()
    refund = db.session.scalar(select(Payment).where(Payment.is_refund.is_(True)))
    assert (refund.amount, refund.method, refund.recorded_by_id) == (Decimal("1800.50"), PaymentMethod.WECHAT,
                                                                     users["manager"].id)
    assert json.loads(refund.note) == {"t": "refund_approval", "id": str(change.id)}  # a code, in no language
    row = db.session.scalar(select(LessonLedgerEntry).where(LessonLedgerEntry.kind == LedgerKind.REFUND))
    assert row.units == -16
    assert balance(enrollment.id) == 0 == _ledger_sum(enrollment.id)
    assert enrollment.status == EnrollmentStatus.REFUNDED and student.status == StudentStatus.REFUNDED
    assert change.approval_status == ApprovalStatus.APPROVED and change.refund_amount == Decimal("1800.50")
    assert "2000" in change.notes and change.approved_by_id == users["manager"].id and change.approved_at


def test_an_approved_refund_above_net_paid_is_refused_and_changes_nothing(users, enrolled):
    student, _group, enrollment = enrolled
    change = _ask(student, Kind.REFUND, users["sales"], enrollment_id=enrollment.id)
    with pytest.raises(DomainError, match="超过实收金额"):
        decide(change, by=users["manager"], approve=True, refund_amount=Decimal("5000"))
    db.session.rollback()
    assert change.approval_status == ApprovalStatus.PENDING
    assert db.session.scalar(select(func.count(Payment.id)).where(Payment.is_refund.is_(True))) == 0
    assert balance(enrollment.id) == 20 and enrollment.status == EnrollmentStatus.ACTIVE


def test_a_refund_keeps_the_student_active_while_another_enrolment_is_active(users, enrolled, enroll):
    student, group, enrollment = enrolled
    enroll(student, group)
    change = _ask(student, Kind.REFUND, users["sales"], enrollment_id=enrollment.id)
    decide(change, by=users["manager"], approve=True, refund_method=PaymentMethod.CASH)
    db.session.commit()
    assert student.status == StudentStatus.ACTIVE and change.new_status == StudentStatus.ACTIVE
    assert db.session.scalar(select(Payment.method).where(Payment.is_refund.is_(True))) == PaymentMethod.CASH


# ---------- transfer ----------

def test_approving_a_transfer_moves_the_enrolment_and_its_balance(users, enrolled, make_class):
    student, group, enrollment = enrolled
    _attend(enrollment, users, 3)
    target = make_class(name="编程二班")
    change = _ask(student, Kind.TRANSFER, users["academic"], enrollment_id=enrollment.id, target_class_id=target.id)
    assert change.new_status == StudentStatus.ACTIVE
    decide(change, by=users["manager"], approve=True)
    db.session.commit()
    assert enrollment.class_id == target.id and enrollment.status == EnrollmentStatus.ACTIVE
    assert balance(enrollment.id) == 17 == _ledger_sum(enrollment.id)
    marker = db.session.scalar(select(LessonLedgerEntry).where(LessonLedgerEntry.kind == LedgerKind.TRANSFER))
    assert marker.units == 0 and group.name in marker.reason and target.name in marker.reason


def test_a_transfer_to_a_full_class_or_another_course_is_refused(users, enrolled, make_class, make_student, enroll):
    student, _group, enrollment = enrolled
    full = make_class(name="满员班", capacity=1)
    enroll(make_student(name="占位"), full)
    with pytest.raises(DomainError, match="已满"):
        _ask(student, Kind.TRANSFER, users["sales"], enrollment_id=enrollment.id, target_class_id=full.id)
    elsewhere = make_class(name="美术班", of=factories.make_course("少儿美术"))
    with pytest.raises(DomainError, match="同一课程"):
        _ask(student, Kind.TRANSFER, users["sales"], enrollment_id=enrollment.id, target_class_id=elsewhere.id)
    second_campus = make_class(name="二校编程班", campus=1, head=None)
    with pytest.raises(DomainError, match="所在校区"):
        _ask(student, Kind.TRANSFER, users["sales"], enrollment_id=enrollment.id, target_class_id=second_campus.id)


def test_capacity_is_checked_again_when_the_transfer_is_approved(users, enrolled, make_class, make_student, enroll):
    student, _group, enrollment = enrolled
    target = make_class(name="编程二班", capacity=1)
    change = _ask(student, Kind.TRANSFER, users["sales"], enrollment_id=enrollment.id, target_class_id=target.id)
    enroll(make_student(name="抢先"), target)
    with pytest.raises(DomainError, match="已满"):
        decide(change, by=users["manager"], approve=True)
    db.session.rollback()
    assert enrollment.class_id != target.id and change.approval_status == ApprovalStatus.PENDING


# ---------- suspend, resume, graduate ----------

def test_suspend_then_resume_set_the_student_status(users, enrolled):
    student, _group, enrollment = enrolled
    decide(_ask(student, Kind.SUSPEND, users["sales"]), by=users["manager"], approve=True)
    db.session.commit()
    assert student.status == StudentStatus.SUSPENDED and enrollment.status == EnrollmentStatus.ACTIVE
    decide(_ask(student, Kind.RESUME, users["sales"]), by=users["admin"], approve=True)
    db.session.commit()
    assert student.status == StudentStatus.ACTIVE and balance(enrollment.id) == 20


def test_graduation_finishes_the_active_enrolments(users, enrolled, enroll):
    student, group, enrollment = enrolled
    second = enroll(student, group)
    decide(_ask(student, Kind.GRADUATE, users["academic"]), by=users["manager"], approve=True)
    db.session.commit()
    assert student.status == StudentStatus.GRADUATED
    assert {enrollment.status, second.status} == {EnrollmentStatus.FINISHED}


def test_approval_rechecks_the_students_status(users, enrolled):
    student, _group, _enrollment = enrolled
    suspend = _ask(student, Kind.SUSPEND, users["sales"])
    graduate = _ask(student, Kind.GRADUATE, users["academic"])
    decide(graduate, by=users["manager"], approve=True)
    db.session.commit()
    with pytest.raises(DomainError, match="不能办理休学"):
        decide(suspend, by=users["manager"], approve=True)


# ---------- the decision ----------

def test_rejecting_records_why_and_changes_nothing(users, enrolled):
    student, _group, _enrollment = enrolled
    change = _ask(student, Kind.SUSPEND, users["sales"])
    with pytest.raises(DomainError, match="拒绝时请填写原因"):
        decide(change, by=users["manager"], approve=False, notes=" ")
    db.session.rollback()
    decide(change, by=users["manager"], approve=False, notes="期末考试前不宜休学")
    db.session.commit()
    assert change.approval_status == ApprovalStatus.REJECTED and change.notes == "期末考试前不宜休学"
    assert change.approved_by_id == users["manager"].id and change.approved_at is not None
    assert student.status == StudentStatus.ACTIVE


def test_a_request_is_decided_once_only(users, enrolled):
    student, _group, enrollment = enrolled
    change = _ask(student, Kind.REFUND, users["sales"], enrollment_id=enrollment.id)
    decide(change, by=users["manager"], approve=True)
    db.session.commit()
    for approve in (True, False):
        with pytest.raises(DomainError, match="不能重复审批"):
            decide(change, by=users["admin"], approve=approve, notes="再来一次")
        db.session.rollback()
    assert db.session.scalar(select(func.count(Payment.id)).where(Payment.is_refund.is_(True))) == 1
    assert balance(enrollment.id) == 0


def test_only_a_manager_of_the_campus_or_an_admin_may_decide(users, enrolled):
    student, _group, _enrollment = enrolled
    change = _ask(student, Kind.SUSPEND, users["sales"])
    for who in ("sales", "academic", "teacher", "manager_b"):
        with pytest.raises(DomainError, match="主管"):
            decide(change, by=users[who], approve=True)
        db.session.rollback()
    assert change.approval_status == ApprovalStatus.PENDING


def test_the_queue_is_the_campus_pending_oldest_first_and_the_history_the_decided(users, enrolled, make_student):
    student, _group, _enrollment = enrolled
    first = _ask(student, Kind.SUSPEND, users["sales"])
    other = _ask(make_student(name="二校学员", campus=1, owner="sales_b"), Kind.SUSPEND, users["sales_b"])
    second = _ask(make_student(name="第二位"), Kind.GRADUATE, users["academic"])
    assert db.session.scalars(pending_changes(users["manager"])).all() == [first, second]
    assert db.session.scalars(pending_changes(users["admin"])).all() == [first, other, second]
    decide(first, by=users["manager"], approve=False, notes="不同意")
    db.session.commit()
    assert db.session.scalars(pending_changes(users["manager"])).all() == [second]
    assert db.session.scalars(decided_changes(users["manager"])).all() == [first]
    assert db.session.scalars(decided_changes(users["manager_b"])).all() == []
