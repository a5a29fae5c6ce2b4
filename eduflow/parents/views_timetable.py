"""The parent's timetable (课表) and the calendar feed (日历订阅): the page, its secret URL and the feed itself."""
from __future__ import annotations

from flask import Response, abort, flash, request, url_for
from flask_babel import gettext as _

from eduflow.extensions import db
from eduflow.forms import ButtonForm
from eduflow.converters import as_id
from eduflow.parents import bp, calendar, timetable
from eduflow.parents.access import parent_required
from eduflow.web import go, me, render, submit

FEED_CACHE = "private, max-age=300"  # a calendar app may keep it five minutes; a shared proxy never


def _child_filter() -> int | None:
    """The ?child= of the timetable: one of the parent's children, or none (all); anything else is 404."""
    raw = request.args.get("child", "")
    if not raw:
        return None
    child_id = as_id(raw)
    if child_id is None:
        abort(404)
    return child_id


@bp.route("/p/timetable", endpoint="timetable")
@parent_required
def timetable_page():
    """课表: the next four weeks of the children's lessons, day by day, each with the child's status."""
    students = timetable.children()
    child_id = _child_filter()
    shown = [student for student in students if child_id is None or student.id == child_id]
    if child_id is not None and not shown:
        abort(404)
    first, last = timetable.window()
    days = timetable.by_day(timetable.entries(shown, first, last))
    return render("parents/timetable.html", students=students, child_id=child_id, days=days, first=first,
                  last=last, day_heading=timetable.day_heading)


def _feed_urls(token: str) -> dict:
    https = url_for("parent.calendar_feed", token=token, _external=True)
    return {"https": https, "webcal": "webcal://" + https.split("://", 1)[1]}


@bp.route("/p/calendar", endpoint="calendar")
@parent_required
def calendar_page():
    """日历订阅: the feed's secret URL, how to add it on a phone, and a button to reset it."""
    account = me()
    token = calendar.ensure_token(account)
    db.session.commit()
    return render("parents/calendar.html", urls=_feed_urls(token), form=ButtonForm())


@bp.route("/p/calendar/reset", methods=["POST"])
@parent_required
def calendar_reset():
    """A new secret URL; the old one stops working."""
    if not submit(ButtonForm(), lambda: calendar.reset_token(me())):
        abort(400)
    flash(_("已生成新的订阅地址，旧地址已失效。请在手机日历中重新订阅。"), "success")
    return go(url_for("parent.calendar"))


@bp.route("/p/calendar/<token>.ics")
def calendar_feed(token: str):
    """The iCal feed itself: no sign-in, the token is the key (an unknown or reset token answers 404)."""
    account = calendar.account_for_token(token)
    if account is None:
        abort(404)
    response = Response(calendar.feed(account), mimetype="text/calendar")
    response.headers["Cache-Control"] = FEED_CACHE
    response.headers["Content-Disposition"] = 'inline; filename="eduflow.ics"'
    return response
