"""Conversion (转化): lead → student + primary parent (+ first enrolment), in one transaction."""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from flask_babel import gettext as _

from eduflow.enrollments.creation import create_enrollment
from eduflow.domain import DomainError
from eduflow.extensions import db
from eduflow.leads.stages import OPEN_STAGES, change_stage, check_version
from eduflow.models import (
    ClassGroup, Course, Enrollment, Lead, LeadStage, Parent, PaymentMethod, Student, StudentStatus, User,
)


@dataclass
class FirstEnrollment:
    course: Course
    contract_no: str
    total_fee: Decimal
    lessons_purchased: int
    gift_lessons: int = 0
    class_group: ClassGroup | None = None
    paid_amount: Decimal = Decimal("0")
    payment_method: PaymentMethod | None = None


@dataclass
class Conversion:
    student: Student
    parent: Parent | None
    enrollment: Enrollment | None = None
    notes: list[str] = field(default_factory=list)


def conversion_blocker(lead: Lead) -> str | None:
    """Why the lead cannot be converted now (what convert_lead would refuse), or None."""
    if lead.stage == LeadStage.CONVERTED:
        return _("该线索已经转化为学员。")
    if lead.stage not in OPEN_STAGES:
        return _("只有跟进中的线索可以转化。")
    if lead.owner_id is None:
        return _("公海中的线索需先领取再转化。")
    return None


def convert_lead(lead: Lead, *, by: User, expected_version: int | None = None,
                 enrollment: FirstEnrollment | None = None) -> Conversion:
    """Create the student and parent from the lead, optionally enrol, and close the lead as 已转化.

    Everything is flushed in the caller's transaction: the caller commits, or rolls back on error,
    so either all of it exists afterwards or none of it does.
    """
    check_version(lead, expected_version)
    blocker = conversion_blocker(lead)
    if blocker:
        raise DomainError(blocker)
    student = Student(name=lead.name, gender=lead.gender, birth_date=lead.birth_date, email=lead.email,
                      source_id=lead.source_id, status=StudentStatus.POTENTIAL, campus_id=lead.campus_id,
                      owner_id=lead.owner_id, notes=lead.notes, tags=list(lead.tags))
    db.session.add(student)
    db.session.flush()
    parent = None
    if lead.contact_name or lead.phone:
        parent = Parent(student_id=student.id, name=lead.contact_name or lead.name,
                        relationship_=lead.contact_relation, wechat_id=lead.wechat_id, is_primary=True)
        parent.phone = lead.phone
        db.session.add(parent)
    else:
        student.phone = lead.phone
    first = None
    if enrollment is not None:
        first = create_enrollment(student, enrollment.course, by=by, contract_no=enrollment.contract_no,
                                  total_fee=enrollment.total_fee, lessons_purchased=enrollment.lessons_purchased,
                                  gift_lessons=enrollment.gift_lessons, class_group=enrollment.class_group,
                                  paid_amount=enrollment.paid_amount, payment_method=enrollment.payment_method)
    change_stage(lead, LeadStage.CONVERTED, by=by, via_conversion=True)
    lead.converted_student_id = student.id
    if lead.six_speed is not None:
        lead.six_speed.is_enrolled = first is not None
    db.session.flush()
    return Conversion(student=student, parent=parent, enrollment=first)
