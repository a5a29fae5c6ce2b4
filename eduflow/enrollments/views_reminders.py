"""Renewal reminders (续费提醒): the list, and marking one processed or ignored with a note."""
from __future__ import annotations

from flask import flash, redirect, request, url_for
from flask_babel import gettext as _

from eduflow.access import SALES_SIDE, get_or_404, role_required
from eduflow.enrollments import bp
from eduflow.enrollments.forms import ReminderFilterForm, ReminderProcessForm
from eduflow.enrollments.reminders import process_reminder, reminders_for
from eduflow.htmx import is_htmx
from eduflow.models import RenewalReminder
from eduflow.pagination import paginate
from eduflow.web import me, render, submit


@bp.route("/reminders")
@role_required(*SALES_SIDE)
def reminders():
    """续费提醒: a salesperson's own, a manager's campus, everything for admins; urgent first."""
    return _list()


def _list(status: int = 200, error: str | None = None):
    filters = ReminderFilterForm(request.args)
    page = paginate(reminders_for(me(), **filters.criteria()))
    return render("enrollments/reminders.html", "enrollments/_reminder_list.html", status=status, page=page,
                  filters=filters, form=ReminderProcessForm(formdata=None), error=error)


def _row(reminder: RenewalReminder, form: ReminderProcessForm, status: int = 200, message: str | None = None):
    """htmx swaps the one row; a plain post that failed gets the list with the reason on top."""
    if not is_htmx():
        return _list(status, error=next(e for errors in form.errors.values() for e in errors))
    return render("enrollments/_reminder_row.html", status=status, reminder=reminder, form=form, message=message)


@bp.route("/reminders/<int:reminder_id>/process", methods=["POST"])
@role_required(*SALES_SIDE)
def reminder_process(reminder_id: int):
    """已处理 / 已忽略 (with a note): htmx gets the row in its new state, a plain post the list again."""
    reminder = get_or_404(RenewalReminder, reminder_id)
    form = ReminderProcessForm()
    done = submit(form, lambda: process_reminder(reminder, form.action.data, by=me(), note=form.note.data or ""))
    if not done:
        return _row(reminder, form, done.status)
    message = _("提醒已标记为“%(status)s”。", status=form.action.data.label)
    if is_htmx():
        return _row(reminder, ReminderProcessForm(formdata=None), message=message)
    flash(message, "success")
    return redirect(url_for("enrollments.reminders"))
