"""Status changes with approval (休学 / 复学 / 退费 / 转班 / 毕业): the request, the manager's decision
and, on approval, its application in the same transaction.

The enrolment rules they apply (refunds, transfers, the enrolment's lock) are enrollments'; a decision takes
the request's row lock, so a concurrent decider waits and then sees the first one's result.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import Select, func, select
from sqlalchemy.orm import joinedload

from eduflow.access import may_decide, scope_clause
from eduflow.domain import DomainError
from eduflow.enrollments.refunds import apply_refund, check_refund, refund_quote
from eduflow.enrollments.services import active_enrollments, lock_enrollment
from eduflow.enrollments.transfers import check_transfer_target, transfer_enrollment
from eduflow.extensions import db
from eduflow.system_texts import coded
from eduflow.i18n import school_today
from eduflow.locks import lock_rows
from eduflow.models import (
    ApprovalStatus, Enrollment, EnrollmentStatus, NotificationKind, PaymentMethod, StatusChange, StatusChangeKind,
    Student, StudentStatus, User, utcnow,
)
from eduflow.notifications.staff import approvers, path_to, staff_events
from eduflow.students.suspensions import (
    apply_suspension, check_suspension_request, leave_suspension, suspension_open,
)

Kind = StatusChangeKind
NEW_STATUS = {Kind.SUSPEND: StudentStatus.SUSPENDED, Kind.RESUME: StudentStatus.ACTIVE,
              Kind.REFUND: StudentStatus.REFUNDED, Kind.GRADUATE: StudentStatus.GRADUATED}
# 复学 also calls off a 休学 approved to start later (the student is still 在读 until then).
ALLOWED_FROM = {Kind.SUSPEND: {StudentStatus.ACTIVE}, Kind.RESUME: {StudentStatus.SUSPENDED, StudentStatus.ACTIVE},
                Kind.GRADUATE: {StudentStatus.ACTIVE, StudentStatus.SUSPENDED}}
PER_ENROLLMENT = (Kind.REFUND, Kind.TRANSFER)  # these need the enrolment concerned


@dataclass
class StatusRequest:
    kind: StatusChangeKind
    reason: str
    enrollment_id: int | None = None
    target_class_id: int | None = None
    refund_amount: Decimal | None = None  # None: the suggested amount
    effective_on: dt.date | None = None  # 休学: the first day off; 复学: the first day back (None: today)
    planned_return_on: dt.date | None = None  # 休学, optional


def default_kind(student: Student) -> StatusChangeKind:
    suspended = student.status == StudentStatus.SUSPENDED or suspension_open(student, school_today())
    return Kind.RESUME if suspended else Kind.SUSPEND


# ---------- the request ----------

def _check_student_status(student: Student, kind: StatusChangeKind) -> None:
    if kind in ALLOWED_FROM and student.status not in ALLOWED_FROM[kind]:
        raise DomainError(_("学员当前状态为“%(status)s”，不能办理%(kind)s。", status=student.status.label,
                            kind=kind.label))


def _enrollment_of(student: Student, enrollment_id: int | None, required: bool) -> Enrollment | None:
    if enrollment_id is None:
        if required:
            raise DomainError(_("请选择相关的报名。"))
        return None
    enrollment = db.session.get(Enrollment, enrollment_id)
    if enrollment is None or enrollment.student_id != student.id:
        raise DomainError(_("请选择该学员自己的报名。"))
    if enrollment.status != EnrollmentStatus.ACTIVE:
        raise DomainError(_("报名 %(no)s 当前为“%(status)s”，只有生效中的报名可以办理。", no=enrollment.contract_no,
                            status=enrollment.status.label))
    return enrollment


def _refuse_duplicate(student: Student, kind: StatusChangeKind, enrollment: Enrollment | None) -> None:
    query = select(StatusChange.id).where(StatusChange.kind == kind,
                                          StatusChange.approval_status == ApprovalStatus.PENDING)
    if kind in PER_ENROLLMENT:
        query = query.where(StatusChange.enrollment_id == enrollment.id)
    else:
        query = query.where(StatusChange.student_id == student.id)
    if db.session.scalar(query.limit(1)) is not None:
        raise DomainError(_("已有一条待审批的%(kind)s申请，请等待审批结果。", kind=kind.label))


def request_change(student: Student, wanted: StatusRequest, *, by: User) -> StatusChange:
    """A pending request; nonsense (复学 of an active student, a duplicate, a refund above what was paid) is refused."""
    reason = (wanted.reason or "").strip()
    if not reason:
        raise DomainError(_("请填写申请原因。"))
    _check_student_status(student, wanted.kind)
    effective_on = check_suspension_request(student, wanted.kind, wanted.effective_on, wanted.planned_return_on,
                                            school_today())
    enrollment = _enrollment_of(student, wanted.enrollment_id, required=wanted.kind in PER_ENROLLMENT)
    _refuse_duplicate(student, wanted.kind, enrollment)
    change = StatusChange(student_id=student.id, enrollment_id=enrollment.id if enrollment else None,
                          kind=wanted.kind, old_status=student.status,
                          new_status=NEW_STATUS.get(wanted.kind, student.status), reason=reason,
                          requested_by_id=by.id, requested_at=utcnow(), effective_on=effective_on,
                          planned_return_on=wanted.planned_return_on if wanted.kind == Kind.SUSPEND else None)
    if wanted.kind == Kind.TRANSFER:
        change.target_class_id = check_transfer_target(enrollment, wanted.target_class_id).id
    if wanted.kind == Kind.REFUND:
        change.refund_amount = check_refund(refund_quote(enrollment), wanted.refund_amount)
    db.session.add(change)
    db.session.flush()
    _tell_approvers(change, student, by)
    return change


def _tell_approvers(change: StatusChange, student: Student, by: User) -> None:
    """待审批 for those who decide the student's campus's requests (see `approvers`), not the requester."""
    staff_events(NotificationKind.APPROVAL_WAITING, approvers(student.campus_id), f"approval:{change.id}",
                 {"student": student.name, "change": change.kind, "change_kind": change.kind.value,
                  "by": by.display_name},
                 campus_id=student.campus_id, link=path_to("students.approvals"), by=by)


# ---------- the decision ----------

def _check_decider(change: StatusChange, by: User) -> None:
    if may_decide(by, change):
        return
    raise DomainError(_("只有本校区主管或系统管理员可以审批。"))


def _apply_status(change: StatusChange, by: User) -> None:
    """休学 / 复学 set the student's suspension dates (the status follows them); 毕业 sets the status and
    finishes the active enrolments."""
    student = change.student
    lock_rows(Student, [student.id])
    db.session.refresh(student)
    _check_student_status(student, change.kind)
    if change.kind in (Kind.SUSPEND, Kind.RESUME):
        today = school_today()
        check_suspension_request(student, change.kind, max(change.effective_on or today, today), None, today)
        apply_suspension(change, student, today)
        return
    student.status = NEW_STATUS[change.kind]
    if change.kind == Kind.GRADUATE:
        leave_suspension(student, school_today())
        for enrollment in active_enrollments(student.id):
            enrollment.status = EnrollmentStatus.FINISHED


def _still_active(change: StatusChange) -> Enrollment:
    enrollment = change.enrollment
    lock_enrollment(enrollment.id)
    db.session.refresh(enrollment)
    if enrollment.status != EnrollmentStatus.ACTIVE:
        raise DomainError(_("报名 %(no)s 已是“%(status)s”，不能再办理。", no=enrollment.contract_no,
                            status=enrollment.status.label))
    return enrollment


def approvable_refund(requested: Decimal | None, suggested: Decimal) -> Decimal:
    """What approving a refund pays unless the approver types another amount: the amount requested, but never
    more than today's suggestion (lessons used since the request are not paid back)."""
    return suggested if requested is None else min(requested, suggested)


def _apply_refund(change: StatusChange, by: User, amount: Decimal | None, method: PaymentMethod | None) -> str:
    """退费 (the rules are in enrollments.refunds); the student is refunded once no enrolment is left active."""
    enrollment = _still_active(change)
    if amount is None:
        amount = approvable_refund(change.refund_amount, refund_quote(enrollment).suggested)
    amount = apply_refund(enrollment, by=by, amount=amount,
                          method=method, reason=change.reason, note=coded("refund_approval", id=change.id))
    student = change.student
    if not active_enrollments(student.id):
        student.status = StudentStatus.REFUNDED
        leave_suspension(student, school_today())
    change.new_status = student.status
    requested, change.refund_amount = change.refund_amount, amount
    if requested is not None and requested != amount:
        return _("申请退费 %(requested)s 元，批准 %(amount)s 元。", requested=requested, amount=amount)
    return ""


def decide(change: StatusChange, *, by: User, approve: bool, notes: str = "", refund_amount: Decimal | None = None,
           refund_method: PaymentMethod | None = None) -> StatusChange:
    """Approve (and apply, all or nothing) or reject (notes say why); a request is decided once only."""
    _check_decider(change, by)
    lock_rows(StatusChange, [change.id])
    db.session.refresh(change)
    if change.approval_status != ApprovalStatus.PENDING:
        raise DomainError(_("该申请已经%(status)s，不能重复审批。", status=change.approval_status.label))
    notes = (notes or "").strip()
    if not approve and not notes:
        raise DomainError(_("拒绝时请填写原因。"))
    if approve and change.kind == Kind.REFUND:
        notes = " ".join(filter(None, [notes, _apply_refund(change, by, refund_amount, refund_method)]))
    elif approve and change.kind == Kind.TRANSFER:
        transfer_enrollment(_still_active(change), change.target_class_id, by=by)
    elif approve:
        _apply_status(change, by)
    change.approval_status = ApprovalStatus.APPROVED if approve else ApprovalStatus.REJECTED
    change.approved_by_id, change.approved_at, change.notes = by.id, utcnow(), notes
    db.session.flush()
    return change


# ---------- lists ----------

def _in_scope(user: User):
    return scope_clause(StatusChange, user)


def _with_details(query: Select) -> Select:
    return query.options(joinedload(StatusChange.student), joinedload(StatusChange.requested_by),
                         joinedload(StatusChange.approved_by), joinedload(StatusChange.target_class),
                         joinedload(StatusChange.enrollment).joinedload(Enrollment.course),
                         joinedload(StatusChange.enrollment).joinedload(Enrollment.class_group))


def pending_changes(user: User) -> Select:
    """The approval queue: pending requests in scope, oldest first."""
    return _with_details(select(StatusChange).where(
        _in_scope(user), StatusChange.approval_status == ApprovalStatus.PENDING)
        .order_by(StatusChange.requested_at, StatusChange.id))


def decided_changes(user: User) -> Select:
    """The history: decided requests in scope, latest decision first."""
    return _with_details(select(StatusChange).where(
        _in_scope(user), StatusChange.approval_status != ApprovalStatus.PENDING)
        .order_by(StatusChange.approved_at.desc(), StatusChange.id.desc()))


def pending_count(user: User) -> int:
    """Pending requests the user may decide or follow (for a dashboard badge)."""
    return db.session.scalar(select(func.count(StatusChange.id)).where(
        _in_scope(user), StatusChange.approval_status == ApprovalStatus.PENDING))


def student_changes(student_id: int) -> list[StatusChange]:
    """A student's requests, newest first (the student page's history)."""
    return db.session.scalars(_with_details(select(StatusChange).where(StatusChange.student_id == student_id))
                              .order_by(StatusChange.requested_at.desc(), StatusChange.id.desc())).unique().all()
