"""发送失败的通知: the messages that failed for good or are waiting for another attempt, with 重发 for one message or for
every failed message the page showed. Admins see every campus's, a manager their own campus's (a message of
another campus is a 404 to them)."""
from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from flask_babel import gettext as _

from eduflow.access import OFFICE, role_required
from eduflow.admin import bp
from eduflow.admin.forms_notifications import FailureFilterForm, RetryShownForm
from eduflow.extensions import db
from eduflow.forms import ButtonForm
from eduflow.models import DeliveryStatus
from eduflow.notifications import purge  # noqa: F401 - `flask notifications purge`
from eduflow.notifications.history import enqueue_all, failure_rows, message_in_scope, recipients, retry, troubled
from eduflow.pagination import paginate
from eduflow.web import me, render


def _back():
    """The list as it was (its ?show= and ?page=), after a retry."""
    return redirect(url_for("admin.notification_failures", **request.args))


@bp.route("/notifications/failures")
@role_required(*OFFICE)
def notification_failures():
    """The failed and retrying deliveries of the user's campus, latest first, a page at a time."""
    filters = FailureFilterForm(request.args)
    page = paginate(troubled(me(), filters.which()))
    rows = failure_rows(page.items)
    shown = [row.message.id for row in rows if row.message.status == DeliveryStatus.FAILED]
    return render("admin/notifications/failures.html", filters=filters, page=page, rows=rows, shown=shown,
                  recipients=recipients(page.items))


def _retried(ids: list[int]) -> int:
    """Retry, commit, then hand the messages to the queue; how many went back to pending."""
    retried = retry(me(), ids)
    db.session.commit()
    enqueue_all(retried)
    return len(retried)


@bp.route("/notifications/<int:notification_id>/retry", methods=["POST"])
@role_required(*OFFICE)
def notification_retry(notification_id: int):
    """重发 one failed message; one no longer failed (sent, or retried by someone meanwhile) is left alone."""
    if message_in_scope(me(), notification_id) is None:
        abort(404)
    if not ButtonForm().validate_on_submit():
        abort(400)
    if _retried([notification_id]):
        flash(_("已重新发送该通知。"), "success")
    else:
        flash(_("该通知已不是发送失败状态，没有重复发送。"), "warning")
    return _back()


@bp.route("/notifications/retry", methods=["POST"])
@role_required(*OFFICE)
def notification_retry_shown():
    """全部重发: every message of the page that is still failed."""
    form = RetryShownForm()
    if not form.validate_on_submit():
        abort(400)
    count = _retried(form.chosen())
    if count:
        flash(_("已重新发送 %(n)s 条通知。", n=count), "success")
    else:
        flash(_("这些通知已不是发送失败状态，没有重复发送。"), "warning")
    return _back()
