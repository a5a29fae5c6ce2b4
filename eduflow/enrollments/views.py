"""Enrolments (报名): the list, enrolling a student, the contract page, payments, contract status and renewal."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from eduflow.enrollments.creation import create_enrollment, head_count
from eduflow.enrollments.ledger import balance, balances, pool_balances
from eduflow.converters import id_arg
from eduflow.access import STUDENT_WRITERS, get_or_404, role_required
from eduflow.enrollments import bp
from eduflow.enrollments.forms import (
    ContractStatusForm, EnrollmentFilterForm, EnrollmentForm, PaymentForm, RenewalForm, StudentPickForm,
)
from eduflow.enrollments.services import (
    change_contract_status, filtered_enrollments, money_of, paid_amounts, purchase_history, record_payment,
    related_contracts, renew_enrollment, students_to_enrol,
)
from eduflow.extensions import db
from eduflow.htmx import is_htmx
from eduflow.models import Enrollment, Student
from eduflow.pagination import paginate
from eduflow.submissions import submit_once
from eduflow.web import me, render, submit

CONFLICT = _l("保存时与他人的修改冲突（例如合同编号刚被占用），请检查后重试。")


@bp.route("")
@role_required(*STUDENT_WRITERS)
def index():
    """报名列表: the user's enrolments with paid, outstanding and remaining lessons, filtered and paged."""
    filters = EnrollmentFilterForm(request.args, user=me())
    page = paginate(filtered_enrollments(me(), filters.criteria()))
    ids = [e.id for e in page.items]
    paid = paid_amounts(ids)
    rows = [(e, money_of(e, paid[e.id])) for e in page.items]
    return render("enrollments/index.html", "enrollments/_rows.html", page=page, rows=rows, filters=filters,
                  remaining=balances(ids))


def _student_picker():
    """No student chosen yet: search the user's students by name to enrol one."""
    pick = StudentPickForm(request.args)
    students = students_to_enrol(me(), pick.q.data) if pick.validate() and pick.q.data else []
    return render_template("enrollments/new.html", student=None, pick=pick, students=students)


@bp.route("/new", methods=["GET", "POST"])
@role_required(*STUDENT_WRITERS)
def new():
    """报名: a contract for a student in scope; lessons, gift lessons and the first payment in one transaction."""
    student_id = id_arg("student_id")
    if student_id is None:
        return _student_picker()
    student = get_or_404(Student, student_id)
    form = EnrollmentForm(student=student)
    if request.method == "GET":
        return render_template("enrollments/new.html", student=student, form=form)
    done = submit(form, lambda: submit_once(form, lambda: _enrolled(student, form)), conflict=CONFLICT)
    return done.result if done else render("enrollments/new.html", status=done.status, student=student, form=form)


def _enrolled(student: Student, form: EnrollmentForm):
    enrollment = create_enrollment(student, by=me(), **form.values())
    flash(_("已为 %(name)s 报名，合同 %(no)s。", name=student.name, no=enrollment.contract_no), "success")
    return redirect(url_for("students.detail", student_id=student.id))


def _detail(enrollment: Enrollment, status: int = 200, payment_form: PaymentForm | None = None,
            contract_form: ContractStatusForm | None = None, message: str | None = None):
    """The contract page, or for htmx its body (`_detail.html`), which every action here re-renders whole."""
    pools = pool_balances(enrollment.id)
    context = dict(
        enrollment=enrollment, money=money_of(enrollment), remaining=pools.total, pools=pools,
        payments=sorted(enrollment.payments, key=lambda p: (p.paid_at, p.id), reverse=True),
        purchases=purchase_history(enrollment), related=related_contracts(enrollment, me()),
        payment_form=payment_form or PaymentForm(formdata=None),
        contract_form=contract_form or ContractStatusForm(formdata=None, status=enrollment.contract_status.value),
        message=message, student_url=url_for("students.detail", student_id=enrollment.student_id),
        head_count=head_count(enrollment.class_id) if enrollment.class_id else None)
    return render("enrollments/detail.html", "enrollments/_detail.html", status=status, **context)


@bp.route("/<int:enrollment_id>")
@role_required(*STUDENT_WRITERS)
def detail(enrollment_id: int):
    """The contract: fee, payments, paid and outstanding, lesson balance and renewal history."""
    return _detail(get_or_404(Enrollment, enrollment_id))


def _done(enrollment: Enrollment, message: str):
    """After a successful change: htmx gets the fresh body, a plain form post goes back to the page."""
    if is_htmx():
        db.session.expire_all()
        return _detail(enrollment, message=message)
    flash(message, "success")
    return redirect(url_for("enrollments.detail", enrollment_id=enrollment.id))


@bp.route("/<int:enrollment_id>/payments", methods=["POST"])
@role_required(*STUDENT_WRITERS)
def payment_new(enrollment_id: int):
    """收款: one more payment, at most what is still owed."""
    enrollment = get_or_404(Enrollment, enrollment_id)
    form = PaymentForm()
    done = submit(form, lambda: submit_once(form, lambda: _paid(enrollment, form)))
    return done.result if done else _detail(enrollment, done.status, payment_form=form)


def _paid(enrollment: Enrollment, form: PaymentForm):
    payment = record_payment(enrollment, amount=form.amount.data, method=form.method.data, by=me(),
                             paid_at=form.paid_at_utc(), note=form.note.data or "")
    return _done(enrollment, _("已收款 %(amount)s 元。", amount=f"{payment.amount:.2f}"))


@bp.route("/<int:enrollment_id>/contract-status", methods=["POST"])
@role_required(*STUDENT_WRITERS)
def contract_status(enrollment_id: int):
    """合同状态: 未签订 / 已签订 / 作废 (refused once lessons were attended or money kept)."""
    enrollment = get_or_404(Enrollment, enrollment_id)
    form = ContractStatusForm()
    done = submit(form, lambda: change_contract_status(enrollment, form.status.data, by=me()))
    if not done:
        return _detail(enrollment, done.status, contract_form=form)
    return _done(enrollment, _("合同状态已改为“%(status)s”。", status=form.status.data.label))


@bp.route("/<int:enrollment_id>/renew", methods=["GET", "POST"])
@role_required(*STUDENT_WRITERS)
def renew(enrollment_id: int):
    """续费: add lessons to this contract or sign a new one for the same course."""
    enrollment = get_or_404(Enrollment, enrollment_id)
    form = RenewalForm(fee=enrollment.course.price, lessons=enrollment.course.total_lessons or None) \
        if request.method == "GET" else RenewalForm()
    context = dict(enrollment=enrollment, form=form, money=money_of(enrollment), remaining=balance(enrollment.id))
    if request.method == "GET":
        return render_template("enrollments/renew.html", **context)
    done = submit(form, lambda: submit_once(form, lambda: _renewed(enrollment, form)), conflict=CONFLICT)
    return done.result if done else render("enrollments/renew.html", status=done.status, **context)


def _renewed(enrollment: Enrollment, form: RenewalForm):
    target = renew_enrollment(enrollment, form.renewal(), by=me())
    flash(_("续费成功，合同 %(no)s 现有 %(n)s 课时。", no=target.contract_no, n=balance(target.id)), "success")
    return redirect(url_for("enrollments.detail", enrollment_id=target.id))
