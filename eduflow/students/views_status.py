"""Status changes in the browser: the request form, the manager's approval queue and the student's history."""
from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from flask_babel import format_date, gettext as _
from flask_login import current_user

from eduflow.access import STAFF, get_or_404, role_required
from eduflow.domain import DomainError
from eduflow.extensions import db
from eduflow.htmx import is_htmx, render
from eduflow.i18n import school_today
from eduflow.models import ApprovalStatus, Role, StatusChangeKind, Student
from eduflow.pagination import paginate
from eduflow.submissions import submit_once
from eduflow.students import bp
from eduflow.students.forms_status import DecideForm, StatusRequestForm
from eduflow.students.status_changes import (
    DECIDERS, approvable_refund, decide, decided_changes, find_change, pending_changes, refund_quote, request_change, student_changes,
)

REQUESTERS = (Role.ADMIN, Role.MANAGER, Role.SALES, Role.ACADEMIC)


def _me():
    return current_user._get_current_object()


def _request_page(student: Student, form: StatusRequestForm, status: int = 200):
    response = render("students/status_request.html", "students/_status_form.html", student=student, form=form)
    response.status_code = status
    return response


@bp.route("/<int:student_id>/status-requests", methods=["GET", "POST"])
@role_required(*REQUESTERS)
def status_request(student_id: int):
    """申请状态变更: 休学 / 复学 / 退费 / 转班 / 毕业 with a reason; GET with arguments refreshes the form."""
    student = get_or_404(Student, student_id)
    if request.method == "GET":
        form = StatusRequestForm(formdata=request.args if "kind" in request.args else None, student=student)
        form.suggest_refund()
        return _request_page(student, form)
    form = StatusRequestForm(student=student)
    if not form.validate_on_submit():
        return _request_page(student, form, 422)
    try:
        return submit_once(form, lambda: _requested(student, form))
    except DomainError as error:
        db.session.rollback()
        form.form_errors.append(str(error))
        return _request_page(student, form, error.status_code)


def _requested(student: Student, form: StatusRequestForm):
    change = request_change(student, form.wanted(), by=_me())
    flash(_("已提交%(kind)s申请，等待校区主管审批。", kind=change.kind.label), "success")
    return redirect(url_for("students.detail", student_id=student.id))


def _approvals(status: int = 200, forms: dict | None = None, message: str = "", level: str = "success"):
    """The queue (each pending request with its decision form) and the decided history, paged."""
    pending = db.session.scalars(pending_changes(_me())).unique().all()
    forms = forms or {}
    quotes = {c.id: refund_quote(c.enrollment) for c in pending if c.kind == StatusChangeKind.REFUND and c.enrollment}
    for change in pending:
        quote = quotes.get(change.id)
        forms.setdefault(change.id, DecideForm(formdata=None, refund_amount=approvable_refund(
            change.refund_amount, quote.suggested) if quote else change.refund_amount))
    response = render("students/approvals.html", "students/_status_approvals.html", pending=pending, forms=forms,
                      quotes=quotes, history=paginate(decided_changes(_me())), message=message, level=level,
                      today=school_today())
    response.status_code = status
    return response


@bp.route("/approvals")
@role_required(*DECIDERS)
def approvals():
    """审批: pending status changes of the manager's campus (admin: all), oldest first, and the history below."""
    return _approvals()


@bp.route("/status-requests/<int:change_id>/decide", methods=["POST"])
@role_required(*DECIDERS)
def status_decide(change_id: int):
    """Approve (applies the change in one transaction) or reject (with the reason) one request."""
    change = find_change(change_id, _me()) or abort(404)
    form = DecideForm(refund=change.kind == StatusChangeKind.REFUND)
    if not form.validate_on_submit():
        return _approvals(422, {change.id: form})
    try:
        return submit_once(form, lambda: _decided(change, form))
    except DomainError as error:
        db.session.rollback()
        if change.approval_status == ApprovalStatus.PENDING:
            form.form_errors.append(str(error))
            return _approvals(error.status_code, {change.id: form})
        return _approvals(error.status_code, message=str(error), level="danger")


def _decided(change, form: DecideForm):
    decide(change, by=_me(), **form.decision_args())
    approved = change.approval_status == ApprovalStatus.APPROVED
    names = {"name": change.student.name, "kind": change.kind.label}
    if not approved:
        message = _("已拒绝 %(name)s 的%(kind)s申请。", **names)
    elif change.effective_on is not None and change.effective_on > school_today():
        message = _("已批准 %(name)s 的%(kind)s申请，将于 %(date)s 生效。", date=format_date(change.effective_on,
                                                                                   "yyyy-MM-dd"), **names)
    else:
        message = _("已批准 %(name)s 的%(kind)s申请，变更已生效。", **names)
    if is_htmx():
        return _approvals(message=message)
    flash(message, "success")
    return redirect(url_for("students.approvals"))


@bp.route("/<int:student_id>/status-panel")
@role_required(*STAFF)
def status_panel(student_id: int):
    """The student page's status-change history (loaded into the page by htmx)."""
    student = get_or_404(Student, student_id)
    if not is_htmx():
        return redirect(url_for("students.detail", student_id=student.id))
    return render("students/_status_history.html", None, student=student, changes=student_changes(student.id),
                  can_request=current_user.role in REQUESTERS, can_decide=current_user.role in DECIDERS)
