"""Conversion creates student, parent, enrolment and closes the lead — all or nothing."""
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from eduflow.enrollments.ledger import balance
from eduflow.domain import DomainError, LimitReached
from eduflow.extensions import db
from eduflow.leads.conversion import FirstEnrollment, convert_lead
from eduflow.models import (
    Enrollment, LeadStage, Parent, Payment, PaymentMethod, Student, StudentStatus,
)
from tests import factories


def _count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def test_conversion_creates_student_parent_and_enrolment_and_closes_the_lead(make_lead, users, course):
    lead = make_lead(contact_name="王妈妈", contact_relation="妈妈", stage=LeadStage.PENDING)
    lead.phone = "13800001111"
    db.session.commit()
    result = convert_lead(lead, by=users["sales"], expected_version=lead.version, enrollment=FirstEnrollment(
        course=course, contract_no="HT001", total_fee=Decimal("4800"), lessons_purchased=48, gift_lessons=2,
        paid_amount=Decimal("2000"), payment_method=PaymentMethod.WECHAT))
    db.session.commit()
    assert lead.stage == LeadStage.CONVERTED and lead.converted_student_id == result.student.id
    assert result.student.owner_id == users["sales"].id and result.student.status == StudentStatus.ACTIVE
    assert result.parent.is_primary and result.parent.phone == "13800001111" and result.parent.name == "王妈妈"
    assert balance(result.enrollment.id) == 50
    assert db.session.scalar(select(func.sum(Payment.amount))) == Decimal("2000.00")
    assert result.student.lead.id == lead.id


def test_a_failing_enrolment_leaves_nothing_behind(make_lead, users, course, campuses):
    full = factories.make_full_class(course, campuses[0], by=users["manager"])
    db.session.commit()
    lead = make_lead(stage=LeadStage.INTENT)
    before = {m: _count(m) for m in (Student, Parent, Enrollment)}
    with pytest.raises(LimitReached):
        convert_lead(lead, by=users["sales"], enrollment=FirstEnrollment(
            course=course, contract_no="HT002", total_fee=Decimal("100"), lessons_purchased=10, class_group=full))
    db.session.rollback()
    assert {m: _count(m) for m in (Student, Parent, Enrollment)} == before
    assert db.session.get(type(lead), lead.id).stage == LeadStage.INTENT


def test_duplicate_contract_number_is_refused(make_lead, users, course):
    convert_lead(make_lead(name="甲"), by=users["sales"], enrollment=FirstEnrollment(
        course=course, contract_no="HT9", total_fee=Decimal("1"), lessons_purchased=1))
    db.session.commit()
    with pytest.raises(DomainError, match="HT9"):
        convert_lead(make_lead(name="乙"), by=users["sales"], enrollment=FirstEnrollment(
            course=course, contract_no="HT9", total_fee=Decimal("1"), lessons_purchased=1))


def test_closed_or_pool_leads_cannot_be_converted(make_lead, users):
    with pytest.raises(DomainError):
        convert_lead(make_lead(stage=LeadStage.LOST, lost_reason="x"), by=users["sales"])
    with pytest.raises(DomainError):
        convert_lead(make_lead(owner=None), by=users["manager"])
