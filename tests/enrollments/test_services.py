"""Contracts and money as services: paid is the sum of payments, outstanding, contract status, renewal, the list."""
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from eduflow.enrollments.ledger import balance
from eduflow.domain import DomainError, LimitReached
from eduflow.enrollments.services import (
    EnrollmentFilters, Renewal, RenewalMode, change_contract_status, filtered_enrollments, money_of, paid_amounts,
    purchase_history, record_payment, related_contracts, renew_enrollment,
)
from eduflow.extensions import db
from eduflow.models import (
    ContractStatus, Enrollment, EnrollmentStatus, LedgerKind, LessonLedgerEntry, Payment, PaymentMethod,
    ReminderKind, ReminderStatus, RenewalReminder,
)


def _pay(enrollment, users, amount, who="sales"):
    payment = record_payment(enrollment, amount=Decimal(amount), method=PaymentMethod.CASH, by=users[who])
    db.session.commit()
    return payment


def test_paid_is_the_sum_of_payments_and_refunds_count_negative(users, make_student, enroll):
    enrollment = enroll(make_student(), fee="3000", paid="1000")
    _pay(enrollment, users, "500.50")
    db.session.add(Payment(enrollment_id=enrollment.id, amount=Decimal("200"), method=PaymentMethod.CASH,
                           is_refund=True))
    db.session.commit()
    money = money_of(enrollment)
    assert money.paid == Decimal("1300.50") and money.outstanding == Decimal("1699.50")
    assert paid_amounts([enrollment.id, 999]) == {enrollment.id: Decimal("1300.50"), 999: Decimal("0.00")}


def test_a_payment_larger_than_what_is_owed_is_refused_and_nothing_is_written(users, make_student, enroll):
    enrollment = enroll(make_student(), fee="3000", paid="2500")
    with pytest.raises(DomainError, match="超过待收金额"):
        record_payment(enrollment, amount=Decimal("500.01"), method=PaymentMethod.CASH, by=users["sales"])
    db.session.rollback()
    _pay(enrollment, users, "500")
    assert money_of(enrollment).outstanding == Decimal("0.00")
    assert db.session.scalar(select(func.count(Payment.id))) == 2


def test_a_payment_of_nothing_is_refused(users, make_student, enroll):
    enrollment = enroll(make_student())
    with pytest.raises(DomainError):
        record_payment(enrollment, amount=Decimal("0"), method=PaymentMethod.CASH, by=users["sales"])


def test_contract_status_moves_between_unsigned_and_signed(users, make_student, enroll):
    enrollment = enroll(make_student())
    change_contract_status(enrollment, ContractStatus.UNSIGNED, by=users["sales"])
    change_contract_status(enrollment, ContractStatus.SIGNED, by=users["sales"])
    assert enrollment.contract_status == ContractStatus.SIGNED


def test_voiding_an_enrolment_with_attendance_is_refused(users, make_student, make_class, enroll, attend):
    enrollment = enroll(make_student(), class_group=make_class())
    attend(enrollment)
    with pytest.raises(DomainError, match="考勤"):
        change_contract_status(enrollment, ContractStatus.VOID, by=users["manager"])
    db.session.rollback()
    assert enrollment.contract_status == ContractStatus.SIGNED and balance(enrollment.id) == 19


def test_voiding_an_enrolment_with_money_kept_is_refused(users, make_student, enroll):
    enrollment = enroll(make_student(), paid="100")
    with pytest.raises(DomainError, match="退费"):
        change_contract_status(enrollment, ContractStatus.VOID, by=users["manager"])


def test_voiding_cancels_the_lessons_frees_the_seat_and_is_final(users, make_student, make_class, enroll):
    group = make_class(capacity=1)
    enrollment = enroll(make_student(), class_group=group, gift=2)
    change_contract_status(enrollment, ContractStatus.VOID, by=users["manager"])
    db.session.commit()
    assert balance(enrollment.id) == 0 and enrollment.status == EnrollmentStatus.FINISHED
    assert money_of(enrollment).outstanding == 0
    enroll(make_student("小红"), class_group=group)  # the seat is free again
    with pytest.raises(DomainError):
        change_contract_status(enrollment, ContractStatus.SIGNED, by=users["manager"])
    with pytest.raises(DomainError):
        record_payment(enrollment, amount=Decimal("1"), method=PaymentMethod.CASH, by=users["manager"])


def test_renewing_the_same_contract_adds_lessons_fee_and_payment(users, make_student, make_class, enroll, attend):
    enrollment = enroll(make_student(), class_group=make_class(), fee="3000", paid="3000", lessons=10)
    for _ in range(8):
        attend(enrollment)
    target = renew_enrollment(enrollment, Renewal(mode=RenewalMode.SAME, lessons=20, gift_lessons=2,
                                                  fee=Decimal("5000"), paid_amount=Decimal("2000"),
                                                  payment_method=PaymentMethod.ALIPAY), by=users["sales"])
    db.session.commit()
    assert target.id == enrollment.id and balance(enrollment.id) == 2 + 20 + 2
    assert (enrollment.lessons_purchased, enrollment.gift_lessons, enrollment.total_fee) == (30, 2, Decimal("8000"))
    assert money_of(enrollment).outstanding == Decimal("3000.00")
    kinds = [(e.kind, e.units) for e in purchase_history(enrollment)]
    assert kinds == [(LedgerKind.PURCHASE, 10), (LedgerKind.PURCHASE, 20), (LedgerKind.GIFT, 2)]


def test_renewing_as_a_new_contract_carries_the_balance_over(users, make_student, make_class, enroll, attend):
    group = make_class(capacity=1)
    old = enroll(make_student(), class_group=group, lessons=3, contract_no="OLD-1")
    for _ in range(4):
        attend(old)  # one lesson owed (欠课时)
    new = renew_enrollment(old, Renewal(mode=RenewalMode.NEW, lessons=10, fee=Decimal("3000"), contract_no="NEW-1",
                                        paid_amount=Decimal("3000"), payment_method=PaymentMethod.CARD),
                           by=users["sales"])
    db.session.commit()
    assert old.status == EnrollmentStatus.FINISHED and balance(old.id) == 0
    assert new.contract_no == "NEW-1" and new.class_id == group.id and balance(new.id) == 9
    assert money_of(new).paid == Decimal("3000.00") and related_contracts(new, users["admin"]) == [old]
    total = db.session.scalar(select(func.sum(LessonLedgerEntry.units)))
    assert total == 9, "the ledger still adds up across both contracts"


def test_a_renewal_with_a_taken_contract_number_changes_nothing(users, make_student, enroll):
    enroll(make_student("甲"), contract_no="TAKEN")
    old = enroll(make_student("乙"))
    with pytest.raises(DomainError, match="已存在"):
        renew_enrollment(old, Renewal(mode=RenewalMode.NEW, lessons=10, fee=Decimal("1"), contract_no="TAKEN"),
                         by=users["sales"])
    db.session.rollback()
    assert old.status == EnrollmentStatus.ACTIVE and balance(old.id) == 20


def test_renewal_settles_pending_low_hours_reminders(users, make_student, enroll):
    enrollment = enroll(make_student())
    reminder = RenewalReminder(student_id=enrollment.student_id, enrollment_id=enrollment.id,
                               kind=ReminderKind.LOW_HOURS, trigger_value="2", assigned_to_id=users["sales"].id)
    db.session.add(reminder)
    db.session.commit()
    renew_enrollment(enrollment, Renewal(mode=RenewalMode.SAME, lessons=5, fee=Decimal("0")), by=users["sales"])
    db.session.commit()
    db.session.refresh(reminder)
    assert reminder.status == ReminderStatus.PROCESSED and reminder.processed_by_id == users["sales"].id


def test_only_active_enrolments_can_be_renewed(users, make_student, enroll):
    enrollment = enroll(make_student())
    enrollment.status = EnrollmentStatus.REFUNDED
    db.session.commit()
    with pytest.raises(DomainError):
        renew_enrollment(enrollment, Renewal(mode=RenewalMode.SAME, lessons=5, fee=Decimal("0")), by=users["sales"])


def test_a_full_class_is_refused_by_create_enrollment(make_student, make_class, enroll):
    group = make_class(capacity=1)
    enroll(make_student("甲"), class_group=group)
    with pytest.raises(LimitReached):
        enroll(make_student("乙"), class_group=group)


def test_the_list_filters_owing_contracts_and_searches(users, make_student, enroll):
    owing = enroll(make_student("张三"), fee="3000", paid="1000", contract_no="A-100")
    enroll(make_student("李四"), fee="3000", paid="3000", contract_no="B-200")

    def found(**filters):
        return [e.contract_no for e in db.session.scalars(filtered_enrollments(users["sales"],
                                                                              EnrollmentFilters(**filters)))]

    assert found(owing_only=True) == [owing.contract_no]
    assert found(q="张") == ["A-100"] and found(q="zs") == ["A-100"] and found(q="B-2") == ["B-200"]
    assert found(q="张", owing_only=True) == ["A-100"]
    assert found() and not [e for e in db.session.scalars(filtered_enrollments(users["sales2"], EnrollmentFilters()))]
    assert db.session.scalar(select(func.count(Enrollment.id))) == 2


def test_only_an_active_enrolment_can_be_voided(users, make_student, enroll):
    enrollment = enroll(make_student())
    enrollment.status = EnrollmentStatus.TRANSFERRED
    db.session.commit()
    with pytest.raises(DomainError):
        change_contract_status(enrollment, ContractStatus.VOID, by=users["manager"])
