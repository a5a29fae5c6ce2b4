"""Refunds pay back bought lessons only: the ledger keeps bought and gift lessons in two pools."""
import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import select

from eduflow.enrollments.ledger import balance, pool_balances, post_entry
from eduflow.attendance.services import mark_attendance
from eduflow.domain import DomainError
from eduflow.enrollments.refunds import apply_refund, refund_quote
from eduflow.enrollments.services import Renewal, RenewalMode, change_contract_status, renew_enrollment
from eduflow.extensions import db
from eduflow.models import (
    AttendanceStatus, ContractStatus, EnrollmentStatus, LedgerKind, LedgerPool, LessonLedgerEntry,
    PaymentMethod, Settings, StatusChangeKind,
)
from eduflow.settings import settings_for
from eduflow.students.status_changes import StatusRequest, decide, request_change

BOUGHT, GIFT = LedgerPool.BOUGHT, LedgerPool.GIFT


def _rows(enrollment, kind=None):
    query = select(LessonLedgerEntry.pool, LessonLedgerEntry.units).where(
        LessonLedgerEntry.enrollment_id == enrollment.id).order_by(LessonLedgerEntry.id)
    if kind is not None:
        query = query.where(LessonLedgerEntry.kind == kind)
    return [tuple(row) for row in db.session.execute(query)]


def _gift_first(campus, on=True):
    settings = settings_for(campus.id)
    own = Settings(campus_id=campus.id, gift_first=on) if settings.campus_id is None else settings
    own.gift_first = on
    db.session.add(own)
    db.session.commit()


@pytest.fixture
def twenty_and_two(make_student, make_class, enroll, attend):
    """The issue's case: 20 bought lessons for ¥4,000 (paid in full) + 2 gift lessons, 2 attended."""
    enrollment = enroll(make_student(), class_group=make_class(), fee="4000", lessons=20, gift=2, paid="4000")
    attend(enrollment)
    attend(enrollment, day=dt.date(2026, 3, 9))
    return enrollment


def test_the_default_refund_pays_back_bought_lessons_left_only(twenty_and_two):
    quote = refund_quote(twenty_and_two)
    assert (quote.bought, quote.gift, quote.consumed, quote.refundable) == (20, 2, 2, 18)
    assert (quote.unit_price, quote.computed, quote.suggested) == (Decimal("200.00"), Decimal("3600.00"),
                                                                    Decimal("3600.00"))
    assert (quote.left.bought, quote.left.gift, quote.remaining) == (18, 2, 20)


def test_a_campus_may_consume_gift_lessons_first(campuses, make_student, make_class, enroll, attend):
    _gift_first(campuses[0])
    enrollment = enroll(make_student(), class_group=make_class(), fee="4000", lessons=20, gift=2, paid="4000")
    attend(enrollment)
    attend(enrollment, day=dt.date(2026, 3, 9))
    quote = refund_quote(enrollment)
    assert (quote.consumed_gift, quote.consumed_bought, quote.refundable, quote.suggested) == (
        2, 0, 20, Decimal("4000.00"))


def test_the_unit_price_is_what_was_paid_so_a_part_payment_refunds_less(make_student, enroll, attend):
    enrollment = enroll(make_student(), fee="4000", lessons=20, gift=2, paid="2000")
    quote = refund_quote(enrollment)
    assert (quote.unit_price, quote.suggested) == (Decimal("100.00"), Decimal("2000.00"))


def test_a_debit_crossing_the_pools_is_split(make_student, make_class, enroll, attend):
    enrollment = enroll(make_student(), class_group=make_class(), lessons=1, gift=2, paid="3000")
    attend(enrollment, units=2)
    assert _rows(enrollment, LedgerKind.ATTENDANCE) == [(BOUGHT, -1), (GIFT, -1)]
    assert (pool_balances(enrollment.id).bought, pool_balances(enrollment.id).gift) == (0, 1)


def test_a_debit_beyond_both_pools_is_owed_in_bought_lessons(make_student, make_class, enroll, attend):
    enrollment = enroll(make_student(), class_group=make_class(), lessons=1, gift=1, paid="3000")
    attend(enrollment, units=3)
    assert _rows(enrollment, LedgerKind.ATTENDANCE) == [(BOUGHT, -2), (GIFT, -1)]
    assert (pool_balances(enrollment.id).bought, balance(enrollment.id)) == (-1, -1)
    assert refund_quote(enrollment).refundable == 0


def test_a_corrected_mark_gives_back_to_the_pools_it_took_from(users, campuses, make_student, make_class, enroll,
                                                               make_lesson):
    _gift_first(campuses[0])
    group = make_class(head="teacher")
    student = make_student()
    enrollment = enroll(student, class_group=group, lessons=10, gift=1, paid="3000")
    lesson = make_lesson(group, start=9, end=11, units=2)
    mark_attendance(lesson, student.id, AttendanceStatus.PRESENT, by=users["teacher"])
    db.session.commit()
    assert pool_balances(enrollment.id).gift == 0  # gift first: 1 gift + 1 bought
    _gift_first(campuses[0], on=False)  # the order changing later does not change what is given back
    mark_attendance(lesson, student.id, AttendanceStatus.LEAVE, by=users["teacher"])
    db.session.commit()
    assert sorted(_rows(enrollment, LedgerKind.CORRECTION)) == [(BOUGHT, 1), (GIFT, 1)]
    assert (pool_balances(enrollment.id).bought, pool_balances(enrollment.id).gift) == (10, 1)


def test_applying_a_refund_takes_both_pools_to_zero_and_pays_the_suggestion(users, twenty_and_two):
    amount = apply_refund(twenty_and_two, by=users["manager"], amount=None, method=None, reason="搬家", note="")
    db.session.commit()
    assert amount == Decimal("3600.00")
    assert _rows(twenty_and_two, LedgerKind.REFUND) == [(BOUGHT, -18), (GIFT, -2)]
    assert balance(twenty_and_two.id) == 0 and twenty_and_two.status == EnrollmentStatus.REFUNDED


def test_a_refund_above_what_was_paid_is_refused(users, twenty_and_two):
    with pytest.raises(DomainError, match="超过实收金额"):
        apply_refund(twenty_and_two, by=users["manager"], amount=Decimal("4000.01"), method=None, reason="x", note="")


def test_a_renewal_on_the_same_contract_credits_each_pool(users, twenty_and_two):
    renew_enrollment(twenty_and_two, Renewal(mode=RenewalMode.SAME, lessons=10, fee=Decimal("2000"), gift_lessons=1,
                                             paid_amount=Decimal("2000"), payment_method=PaymentMethod.CASH),
                     by=users["sales"])
    db.session.commit()
    quote = refund_quote(twenty_and_two)
    assert (quote.left.bought, quote.left.gift, quote.unit_price, quote.suggested) == (
        28, 3, Decimal("200.00"), Decimal("5600.00"))


def test_a_renewal_as_a_new_contract_carries_each_pool_over(users, twenty_and_two):
    successor = renew_enrollment(twenty_and_two, Renewal(
        mode=RenewalMode.NEW, lessons=10, fee=Decimal("2000"), paid_amount=Decimal("2000"),
        payment_method=PaymentMethod.CASH, contract_no="HT-NEXT"), by=users["sales"])
    db.session.commit()
    assert pool_balances(twenty_and_two.id).total == 0
    assert (pool_balances(successor.id).bought, pool_balances(successor.id).gift) == (28, 2)
    assert refund_quote(successor).suggested == Decimal("2000.00")  # never more than this contract was paid


def test_voiding_a_contract_empties_both_pools(users, make_student, enroll):
    enrollment = enroll(make_student(), lessons=10, gift=2)
    change_contract_status(enrollment, ContractStatus.VOID, by=users["sales"])
    db.session.commit()
    assert _rows(enrollment, LedgerKind.CORRECTION) == [(BOUGHT, -10), (GIFT, -2)]


def test_a_zero_unit_row_records_a_class_transfer_in_the_bought_pool(users, make_student, enroll):
    enrollment = enroll(make_student(), lessons=10, gift=2)
    post_entry(enrollment, LedgerKind.TRANSFER, 0, by=users["academic"], reason="转班")
    assert _rows(enrollment, LedgerKind.TRANSFER) == [(BOUGHT, 0)]
    assert balance(enrollment.id) == 12


def _migration_0004():
    import importlib.util
    from pathlib import Path

    path = Path(__file__).parents[2] / "migrations" / "versions" / "0004_refund_pools_and_submission_tokens.py"
    spec = importlib.util.spec_from_file_location("migration_0004", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_migration_splits_ledgers_written_before_the_pools(users, make_student, enroll):
    from alembic.operations import Operations
    from alembic.runtime.migration import MigrationContext

    refunded = enroll(make_student(), fee="4000", lessons=20, gift=2, paid="4000")
    active = enroll(make_student("小红"), lessons=2, gift=2)
    legacy = [(refunded, LedgerKind.ATTENDANCE, -2), (refunded, LedgerKind.REFUND, -20),
              (active, LedgerKind.ATTENDANCE, -3)]
    for enrollment, kind, units in legacy:  # one balance, as rows were written before pools existed
        db.session.add(LessonLedgerEntry(enrollment_id=enrollment.id, student_id=enrollment.student_id, kind=kind,
                                         units=units, pool=BOUGHT, reason="legacy"))
    db.session.execute(LessonLedgerEntry.__table__.update().values(pool="bought"))
    db.session.commit()
    with db.engine.begin() as conn, Operations.context(MigrationContext.configure(conn)):
        _migration_0004()._split_the_existing_ledgers()
    db.session.expire_all()
    assert (pool_balances(refunded.id).bought, pool_balances(refunded.id).gift) == (0, 0)
    assert (pool_balances(active.id).bought, pool_balances(active.id).gift) == (0, 1)
    assert balance(active.id) == 1 and refund_quote(active).refundable == 0


# ---------- the breakdown on the forms, before approval ----------

def test_the_refund_request_form_shows_the_breakdown(client, login_as, twenty_and_two):
    login_as("sales")
    page = client.get(f"/students/{twenty_and_two.student_id}/status-requests?kind=refund"
                      f"&enrollment={twenty_and_two.id}", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "20 节，已消耗 2，剩余 18" in page and "2 节，已消耗 0，剩余 2（不退款）" in page
    assert "18 节 × ¥200.00 = ¥3,600.00" in page and 'value="3600.00"' in page


def test_the_approval_card_shows_the_breakdown_before_approving(client, login_as, users, twenty_and_two):
    request_change(twenty_and_two.student, StatusRequest(kind=StatusChangeKind.REFUND, reason="搬家",
                                                         enrollment_id=twenty_and_two.id), by=users["sales"])
    db.session.commit()
    login_as("manager")
    page = client.get("/students/approvals").get_data(as_text=True)
    assert 'data-testid="quote-refundable"' in page and "18 节 × ¥200.00 = ¥3,600.00" in page
    assert "2 节，已消耗 0，剩余 2（不退款）" in page


def test_lessons_used_after_the_request_are_not_paid_back_on_approval(client, login_as, users, twenty_and_two, attend):
    """Requested at 18 lessons left (¥3,600); one more lesson is attended before the manager approves."""
    change = request_change(twenty_and_two.student, StatusRequest(kind=StatusChangeKind.REFUND, reason="搬家",
                                                                  enrollment_id=twenty_and_two.id), by=users["sales"])
    db.session.commit()
    attend(twenty_and_two, day=dt.date(2026, 3, 16))
    login_as("manager")
    page = client.get("/students/approvals").get_data(as_text=True)
    assert f'data-testid="refund-changed-{change.id}"' in page and 'value="3400.00"' in page
    decide(change, by=users["manager"], approve=True)
    db.session.commit()
    [refund] = [p for p in twenty_and_two.payments if p.is_refund]
    assert refund.amount == Decimal("3400.00") and change.refund_amount == Decimal("3400.00")


def test_the_contract_page_and_the_ledger_show_the_two_pools(client, login_as, make_student, make_class, enroll, attend):
    enrollment = enroll(make_student(), class_group=make_class(), lessons=1, gift=2, paid="3000")
    attend(enrollment, units=2)
    login_as("manager")
    page = client.get(f"/enrollments/{enrollment.id}").get_data(as_text=True)
    assert "购买 0 · 赠送 1" in page
    ledger = client.get(f"/students/{enrollment.student_id}/enrollments/{enrollment.id}/ledger",
                        headers={"HX-Request": "true"}).get_data(as_text=True)
    assert ledger.count('data-testid="gift-pool"') == 2  # the gift credit and the gift half of the split debit
