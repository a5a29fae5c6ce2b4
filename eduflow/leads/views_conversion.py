"""Conversion (转化) in the browser: the form pre-filled from the lead, one transaction, then the lead page."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from eduflow.access import LEAD_ROLES, get_or_404, role_required
from eduflow.domain import DomainError, StaleRecord
from eduflow.extensions import db
from eduflow.leads import bp
from eduflow.leads.conversion import Conversion, conversion_blocker, convert_lead
from eduflow.leads.forms_conversion import ConvertForm
from eduflow.models import Lead
from eduflow.submissions import submit_once


def _convert(lead: Lead, form: ConvertForm) -> Conversion:
    """Convert, then apply what the user corrected on the form to the new student and parent (same transaction)."""
    result = convert_lead(lead, by=current_user._get_current_object(), expected_version=form.expected_version,
                          enrollment=form.first_enrollment())
    for name, value in form.student_fields().items():
        setattr(result.student, name, value)
    for name, value in (form.parent_fields() if result.parent else {}).items():
        setattr(result.parent, name, value)
    db.session.flush()
    return result


def _page(lead: Lead, form: ConvertForm, status: int = 200):
    return render_template("leads/convert.html", lead=lead, form=form, blocker=conversion_blocker(lead)), status


def _refused(lead: Lead, form: ConvertForm, message: str, status: int):
    """Roll everything back and show the form again with the reason; a stale form gets the fresh version."""
    db.session.rollback()
    if status == StaleRecord.status_code:
        form.version.data = lead.version
    form.form_errors.append(message)
    return _page(lead, form, status)


@bp.route("/<int:lead_id>/convert", methods=["GET", "POST"])
@role_required(*LEAD_ROLES)
def convert(lead_id: int):
    """转化: the student, primary parent and optional first enrolment from the lead, all or nothing."""
    lead = get_or_404(Lead, lead_id)
    if request.method == "GET":
        return _page(lead, ConvertForm.for_lead(lead))
    form = ConvertForm(lead=lead)
    blocker = conversion_blocker(lead)
    if (blocker and form.earlier_answer() is None) or not form.validate_on_submit():
        return _page(lead, form, 422)
    try:
        return submit_once(form, lambda: _converted(lead, form))
    except DomainError as error:
        return _refused(lead, form, str(error), error.status_code)
    except StaleDataError:
        return _refused(lead, form, _("该线索已被他人修改，已为您显示最新内容，请确认后重试。"), StaleRecord.status_code)
    except IntegrityError:
        return _refused(lead, form, _("保存时与他人的修改冲突（例如合同编号刚被占用），请检查后重试。"), 409)


def _converted(lead: Lead, form: ConvertForm):
    result = _convert(lead, form)
    flash(_("已将 %(name)s 转化为学员。", name=result.student.name), "success")
    return redirect(url_for("leads.detail", lead_id=lead.id))
