"""消息 for staff: the signed-in colleague's own messages (a parent's leave request, a lead given to them, a status
change waiting for their approval), newest first, and the navigation's unread badge.

Opening the page marks nothing: a busy manager's unread messages are their to-do list until handled. Following a
message (查看) marks it read and leads to its record; 标为已读 (htmx) marks one without leaving the page, and
全部标为已读 marks them all. Another colleague's message answers 404 like an unknown id.
"""
from __future__ import annotations

from flask import Blueprint, abort, flash, g, redirect, url_for
from flask_babel import gettext as _

from eduflow.access import EVERYONE, is_staff, role_required
from eduflow.extensions import db
from eduflow.forms import ButtonForm
from eduflow.htmx import is_htmx
from eduflow.notifications.staff import (
    badge, mark_all_read, mark_read, message_of, messages_of, shown_texts, unread_count,
)
from eduflow.pagination import paginate
from eduflow.web import go, me, render

bp = Blueprint("messages", __name__)


def _unread() -> int:
    """The signed-in colleague's unread count, counted once per request (the badge and the page share it)."""
    if "staff_unread" not in g:
        user = me()
        g.staff_unread = unread_count(user.id) if is_staff(user) else 0
    return g.staff_unread


@bp.app_context_processor
def _badge():
    """`staff_unread()` for the navigation's badge: called by base.html's full pages only (fragments do not draw
    the navigation), so it costs one indexed COUNT there and nothing elsewhere."""
    return {"staff_unread": _unread, "unread_badge": badge}


def _message_or_404(message_id: int):
    message = message_of(me().id, message_id)
    if message is None:
        abort(404)
    return message


@bp.route("/messages")
@role_required(*EVERYONE)
def index():
    """消息: the colleague's messages, newest first, paged; unread ones stand out until read."""
    page = paginate(messages_of(me().id))
    return render("notifications/messages.html", page=page, form=ButtonForm(), unread=_unread(),
                  shown=shown_texts(page.items))


@bp.route("/messages/<int:message_id>")
@role_required(*EVERYONE)
def open_message(message_id: int):
    """查看: mark the message read and go to its record (the message list when it has none)."""
    message = _message_or_404(message_id)
    mark_read(message)
    db.session.commit()
    link = message.link or ""
    return redirect(link if link.startswith("/") and not link.startswith("//") else url_for("messages.index"))


@bp.route("/messages/<int:message_id>/read", methods=["POST"])
@role_required(*EVERYONE)
def read(message_id: int):
    """标为已读: one message, answered with its row and the badge (htmx), or back to the list."""
    form = ButtonForm()
    if not form.validate_on_submit():
        abort(400)
    message = _message_or_404(message_id)
    mark_read(message)
    db.session.commit()
    if not is_htmx():
        return go(url_for("messages.index"))
    return render("notifications/_message.html", message=message, form=form, oob_badge=True, unread=_unread(),
                  shown=shown_texts([message]))


@bp.route("/messages/read", methods=["POST"])
@role_required(*EVERYONE)
def read_all():
    """全部标为已读."""
    form = ButtonForm()
    if not form.validate_on_submit():
        abort(400)
    count = mark_all_read(me().id)
    db.session.commit()
    flash(_("已将 %(n)s 条消息标为已读。", n=count) if count else _("没有未读消息。"), "success")
    return go(url_for("messages.index"))

