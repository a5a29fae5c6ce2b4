"""Conversion (转化) in the browser: the form pre-filled from the lead, one transaction, then the lead page."""
from __future__ import annotations

from flask import flash, redirect, request, url_for
from flask_babel import gettext as _

from eduflow.access import SALES_SIDE, get_or_404, role_required
from eduflow.domain import StaleRecord
from eduflow.extensions import db
from eduflow.leads import bp
from eduflow.leads.conversion import Conversion, conversion_blocker, convert_lead
from eduflow.leads.forms_conversion import ConvertForm
from eduflow.models import Lead
from eduflow.submissions import submit_once
from eduflow.web import me, render, submit


def _convert(lead: Lead, form: ConvertForm) -> Conversion:
    """Convert, then apply what the user corrected on the form to the new student and parent (same transaction)."""
    result = convert_lead(lead, by=me(), expected_version=form.expected_version,
                          enrollment=form.first_enrollment())
    for name, value in form.student_fields().items():
        setattr(result.student, name, value)
    for name, value in (form.parent_fields() if result.parent else {}).items():
        setattr(result.parent, name, value)
    db.session.flush()
    return result


def _page(lead: Lead, form: ConvertForm, status: int = 200):
    return render("leads/convert.html", status=status, lead=lead, form=form, blocker=conversion_blocker(lead))


@bp.route("/<int:lead_id>/convert", methods=["GET", "POST"])
@role_required(*SALES_SIDE)
def convert(lead_id: int):
    """转化: the student, primary parent and optional first enrolment from the lead, all or nothing."""
    lead = get_or_404(Lead, lead_id)
    if request.method == "GET":
        return _page(lead, ConvertForm.for_lead(lead))
    form = ConvertForm(lead=lead)
    blocker = conversion_blocker(lead)
    if (blocker and form.earlier_answer() is None) or not form.validate_on_submit():
        return _page(lead, form, 422)
    done = submit(form, lambda: submit_once(form, lambda: _converted(lead, form)), validate=False,
                  stale=_("该线索已被他人修改，已为您显示最新内容，请确认后重试。"),
                  conflict=_("保存时与他人的修改冲突（例如合同编号刚被占用），请检查后重试。"))
    if done:
        return done.result
    if done.status == StaleRecord.status_code:  # a stale form gets the fresh version
        form.version.data = lead.version
    return _page(lead, form, done.status)


def _converted(lead: Lead, form: ConvertForm):
    result = _convert(lead, form)
    flash(_("已将 %(name)s 转化为学员。", name=result.student.name), "success")
    return redirect(url_for("leads.detail", lead_id=lead.id))
