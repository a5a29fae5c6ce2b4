"""The iCal feed (日历订阅): the children's lessons at a secret URL the phone's calendar subscribes to.

The URL carries ParentAccount.calendar_token, made on the first visit to the calendar page; resetting it makes a
new one, and the old URL answers 404 at once. Each lesson of each child is one VEVENT whose UID stays the same
when the lesson moves (the calendar updates it); a deleted lesson is simply gone from the next fetch.
"""
from __future__ import annotations

import datetime as dt
import re
import secrets
from zoneinfo import ZoneInfo

from flask import current_app, request
from flask_babel import force_locale
from flask_babel import gettext as _
from icalendar import Calendar, Event, vDuration
from sqlalchemy import select

from eduflow import audit
from eduflow.extensions import db
from eduflow.i18n import school_today
from eduflow.models import ParentAccount, utcnow
from eduflow.parents import timetable
from eduflow.parents.timetable import Entry

WEEKS_BACK, WEEKS_AHEAD = 4, 12
TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_-]{16,64}")  # what _new_token makes (URL-safe base64)
REFRESH = dt.timedelta(hours=6)  # how often a calendar app should fetch again (a hint: most decide for themselves)


def account_for_token(token: str) -> ParentAccount | None:
    """The active account whose feed this token opens, or None (an unknown or reset token)."""
    if not TOKEN_SHAPE.fullmatch(token or ""):
        return None  # never sent to the database (a NUL byte would make PostgreSQL refuse the query)
    account = db.session.scalar(select(ParentAccount).where(ParentAccount.calendar_token == token))
    return account if account is not None and account.is_active else None


def _new_token() -> str:
    return secrets.token_urlsafe(24)


def ensure_token(account: ParentAccount) -> str:
    """The account's feed token, made (and audited) on first use."""
    if not account.calendar_token:
        account.calendar_token = _new_token()
        audit.record("parent_calendar_created", "parent_accounts", account.id, parent_account_id=account.id)
    return account.calendar_token


def reset_token(account: ParentAccount) -> str:
    """A new feed token: the old URL stops working (audited, without either token)."""
    account.calendar_token = _new_token()
    audit.record("parent_calendar_reset", "parent_accounts", account.id, parent_account_id=account.id)
    return account.calendar_token


def feed_window(today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    """From four weeks back to twelve weeks ahead."""
    today = today or school_today()
    return today - dt.timedelta(weeks=WEEKS_BACK), today + dt.timedelta(weeks=WEEKS_AHEAD)


def feed_entries(account: ParentAccount) -> list[Entry]:
    """The lessons in the feed: every child's, in the window, except those the child is suspended (休学) for."""
    students = timetable.children(account)
    first, last = feed_window()
    return [entry for entry in timetable.entries(students, first, last, account)
            if entry.status != timetable.SUSPENDED]


def uid(entry: Entry) -> str:
    """Stable per lesson and child: a moved lesson keeps it, so the calendar updates the event in place."""
    return f"lesson-{entry.lesson.id}-student-{entry.student.id}@{request.host.split(':')[0] or 'eduflow'}"


def _event(entry: Entry, zone: ZoneInfo) -> Event:
    lesson, group = entry.lesson, entry.lesson.class_group
    event = Event()
    event.add("uid", uid(entry))
    event.add("dtstamp", utcnow().replace(tzinfo=dt.UTC))
    event.add("dtstart", dt.datetime.combine(lesson.lesson_date, lesson.start_time, tzinfo=zone))
    event.add("dtend", dt.datetime.combine(lesson.lesson_date, lesson.end_time, tzinfo=zone))
    summary = f"{entry.student.name} · {group.course.name}"
    if entry.status:
        summary += f" ({entry.status_label})"
    event.add("summary", summary)
    event.add("location", " ".join(part for part in (group.campus.name, lesson.classroom.name
                                                     if lesson.classroom else "") if part))
    details = [group.name]
    if lesson.teacher:
        details.append(_("老师：%(name)s", name=lesson.teacher.display_name))
    if entry.makeup:
        details.append(_("补课"))
    event.add("description", "\n".join(details))
    if lesson.updated_at:
        event.add("last-modified", lesson.updated_at.replace(tzinfo=dt.UTC))
        event.add("sequence", max(0, int((lesson.updated_at - lesson.created_at).total_seconds())))
    return event


def feed(account: ParentAccount) -> bytes:
    """The account's calendar as iCalendar text, in the account's language, times in the school's zone."""
    zone = ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])
    with force_locale(account.locale or current_app.config["BABEL_DEFAULT_LOCALE"]):
        calendar = Calendar()
        calendar.add("prodid", "-//EduFlow//Parent timetable//ZH")
        calendar.add("version", "2.0")
        calendar.add("calscale", "GREGORIAN")
        calendar.add("x-wr-calname", _("孩子的课表"))
        calendar.add("x-wr-timezone", zone.key)
        calendar.add("refresh-interval", vDuration(REFRESH), parameters={"VALUE": "DURATION"})
        calendar.add("x-published-ttl", vDuration(REFRESH))
        for entry in feed_entries(account):
            calendar.add_component(_event(entry, zone))
        calendar.add_missing_timezones()
        calendar.subcomponents.sort(key=lambda component: component.name != "VTIMEZONE")  # zones before use
        return calendar.to_ical()


__all__ = ["account_for_token", "ensure_token", "feed", "feed_entries", "feed_window", "reset_token", "uid"]
