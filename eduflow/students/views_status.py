"""Status changes in the browser: the request form, the manager's approval queue and the student's history."""
from __future__ import annotations

from flask import flash, redirect, request, url_for
from flask_babel import format_date, gettext as _

from eduflow.access import EVERYONE, OFFICE, STUDENT_WRITERS, get_or_404, may_open, role_required
from eduflow.extensions import db
from eduflow.htmx import is_htmx
from eduflow.i18n import school_today
from eduflow.models import ApprovalStatus, StatusChange, StatusChangeKind, Student
from eduflow.pagination import paginate
from eduflow.submissions import submit_once
from eduflow.web import me, render, submit
from eduflow.students import bp
from eduflow.students.forms_status import DecideForm, StatusRequestForm
from eduflow.students.status_changes import (
    approvable_refund, decide, decided_changes, pending_changes, refund_quote, request_change, student_changes,
)


def _request_page(student: Student, form: StatusRequestForm, status: int = 200):
    return render("students/status_request.html", "students/_status_form.html", status=status, student=student,
                  form=form)


@bp.route("/<int:student_id>/status-requests", methods=["GET", "POST"])
@role_required(*STUDENT_WRITERS)
def status_request(student_id: int):
    """申请状态变更: 休学 / 复学 / 退费 / 转班 / 毕业 with a reason; GET with arguments refreshes the form."""
    student = get_or_404(Student, student_id)
    if request.method == "GET":
        form = StatusRequestForm(formdata=request.args if "kind" in request.args else None, student=student)
        form.suggest_refund()
        return _request_page(student, form)
    form = StatusRequestForm(student=student)
    done = submit(form, lambda: submit_once(form, lambda: _requested(student, form)))
    return done.result if done else _request_page(student, form, done.status)


def _requested(student: Student, form: StatusRequestForm):
    change = request_change(student, form.wanted(), by=me())
    flash(_("已提交%(kind)s申请，等待校区主管审批。", kind=change.kind.label), "success")
    return redirect(url_for("students.detail", student_id=student.id))


def _approvals(status: int = 200, forms: dict | None = None, message: str = "", level: str = "success"):
    """The queue (each pending request with its decision form) and the decided history, paged."""
    pending = db.session.scalars(pending_changes(me())).unique().all()
    forms = forms or {}
    quotes = {c.id: refund_quote(c.enrollment) for c in pending if c.kind == StatusChangeKind.REFUND and c.enrollment}
    for change in pending:
        quote = quotes.get(change.id)
        forms.setdefault(change.id, DecideForm(formdata=None, refund_amount=approvable_refund(
            change.refund_amount, quote.suggested) if quote else change.refund_amount))
    return render("students/approvals.html", "students/_status_approvals.html", status=status, pending=pending,
                  forms=forms, quotes=quotes, history=paginate(decided_changes(me())), message=message, level=level,
                  today=school_today())


@bp.route("/approvals")
@role_required(*OFFICE)
def approvals():
    """审批: pending status changes of the manager's campus (admin: all), oldest first, and the history below."""
    return _approvals()


@bp.route("/status-requests/<int:change_id>/decide", methods=["POST"])
@role_required(*OFFICE)
def status_decide(change_id: int):
    """Approve (applies the change in one transaction) or reject (with the reason) one request."""
    change = get_or_404(StatusChange, change_id)
    form = DecideForm(refund=change.kind == StatusChangeKind.REFUND)
    if not form.validate_on_submit():
        return _approvals(422, {change.id: form})
    done = submit(form, lambda: submit_once(form, lambda: _decided(change, form)), validate=False)
    if done:
        return done.result
    if change.approval_status == ApprovalStatus.PENDING:
        return _approvals(done.status, {change.id: form})
    return _approvals(done.status, message=done.message, level="danger")


def _decided(change, form: DecideForm):
    decide(change, by=me(), **form.decision_args())
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
@role_required(*EVERYONE)
def status_panel(student_id: int):
    """The student page's status-change history (loaded into the page by htmx)."""
    student = get_or_404(Student, student_id)
    if not is_htmx():
        return redirect(url_for("students.detail", student_id=student.id))
    return render("students/_status_history.html", None, student=student, changes=student_changes(student.id),
                  can_request=may_open("students.status_request"), can_decide=may_open("students.status_decide"))
