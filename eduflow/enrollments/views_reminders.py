"""Renewal reminders (续费提醒): the list, and marking one processed or ignored with a note."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from eduflow.access import role_required
from eduflow.domain import DomainError
from eduflow.enrollments import bp
from eduflow.enrollments.forms import ReminderFilterForm, ReminderProcessForm
from eduflow.enrollments.reminders import get_reminder_or_404, process_reminder, reminders_for
from eduflow.extensions import db
from eduflow.htmx import is_htmx, render
from eduflow.models import RenewalReminder, Role
from eduflow.pagination import paginate

REMINDER_ROLES = (Role.ADMIN, Role.MANAGER, Role.SALES)


def _me():
    return current_user._get_current_object()


@bp.route("/reminders")
@role_required(*REMINDER_ROLES)
def reminders():
    """续费提醒: a salesperson's own, a manager's campus, everything for admins; urgent first."""
    return _list()


def _list(status: int = 200, error: str | None = None):
    filters = ReminderFilterForm(request.args)
    page = paginate(reminders_for(_me(), **filters.criteria()))
    response = render("enrollments/reminders.html", "enrollments/_reminder_list.html", page=page, filters=filters,
                      form=ReminderProcessForm(formdata=None), error=error)
    response.status_code = status
    return response


def _row(reminder: RenewalReminder, form: ReminderProcessForm, status: int = 200, message: str | None = None):
    """htmx swaps the one row; a plain post that failed gets the list with the reason on top."""
    if not is_htmx():
        return _list(status, error=next(e for errors in form.errors.values() for e in errors))
    body = render_template("enrollments/_reminder_row.html", reminder=reminder, form=form, message=message)
    return body, status, {"Vary": "HX-Request"}


@bp.route("/reminders/<int:reminder_id>/process", methods=["POST"])
@role_required(*REMINDER_ROLES)
def reminder_process(reminder_id: int):
    """已处理 / 已忽略 (with a note): htmx gets the row in its new state, a plain post the list again."""
    reminder = get_reminder_or_404(reminder_id, _me())
    form = ReminderProcessForm()
    if not form.validate_on_submit():
        return _row(reminder, form, 422)
    try:
        process_reminder(reminder, form.action.data, by=_me(), note=form.note.data or "")
        db.session.commit()
    except DomainError as error:
        db.session.rollback()
        form.form_errors.append(str(error))
        return _row(reminder, form, error.status_code)
    message = _("提醒已标记为“%(status)s”。", status=form.action.data.label)
    if is_htmx():
        return _row(reminder, ReminderProcessForm(formdata=None), message=message)
    flash(message, "success")
    return redirect(url_for("enrollments.reminders"))
