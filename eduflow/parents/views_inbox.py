"""The parent's inbox page and message settings."""
from __future__ import annotations

from flask import flash, redirect, url_for
from flask_babel import gettext as _

from eduflow.extensions import db
from eduflow.parents import bp
from eduflow.parents.access import parent_required
from eduflow.parents.forms import InboxSettingsForm
from eduflow.parents.inbox import (
    OPTIONAL_KINDS, latest_messages, mark_all_read, save_preferences, turned_off, unread_count,
)
from eduflow.web import me, render


@bp.app_context_processor
def _unread():
    """The tab bar's unread count (a parent's pages only)."""
    def parent_unread() -> int:
        return unread_count(me().id)

    return {"parent_unread": parent_unread}


@bp.route("/p/inbox")
@parent_required
def inbox():
    """消息: the latest messages; opening the inbox marks them read."""
    account = me()
    messages = latest_messages(account.id)
    unread = {message.id for message in messages if message.read_at is None}
    mark_all_read(account.id)
    db.session.commit()
    return render("parents/inbox.html", messages=messages, unread=unread)


@bp.route("/p/inbox/settings", methods=["GET", "POST"])
@parent_required
def inbox_settings():
    """Which kinds of message the parent wants (payment receipts cannot be turned off)."""
    account = me()
    form = InboxSettingsForm(OPTIONAL_KINDS)
    if form.validate_on_submit():
        save_preferences(account.id, {kind for kind in OPTIONAL_KINDS if kind.value in form.kind.data})
        db.session.commit()
        flash(_("消息设置已保存。"), "success")
        return redirect(url_for("parent.inbox_settings"))
    status = 422 if form.errors else 200
    return render("parents/inbox_settings.html", form=form, kinds=OPTIONAL_KINDS, off=turned_off(account.id),
                  status=status)
