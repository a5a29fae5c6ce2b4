"""Locale choice (the user's saved preference, then the session, then Chinese) and the school's clock: dates
are the school's calendar days in the configured time zone, not the server's."""
from __future__ import annotations

import datetime as dt

from flask import current_app, has_request_context, session
from flask_babel import get_timezone
from flask_login import current_user


def select_locale() -> str:
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():  # CLI and jobs speak the default language
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    if current_user and current_user.is_authenticated and current_user.locale in languages:
        return current_user.locale
    if session.get("locale") in languages:
        return session["locale"]
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def select_timezone() -> str:
    return current_app.config["BABEL_DEFAULT_TIMEZONE"]


def school_today() -> dt.date:
    """Today's date on the school's clock (the configured time zone), not the server's."""
    return dt.datetime.now(get_timezone()).date()


def school_date(now: dt.datetime) -> dt.date:
    """The school's calendar day at `now` (naive UTC)."""
    return now.replace(tzinfo=dt.UTC).astimezone(get_timezone()).date()


def to_utc(local: dt.datetime | None) -> dt.datetime | None:
    """A wall-clock time in the school's zone → naive UTC, as the database stores it."""
    if local is None:
        return None
    zone = get_timezone()
    aware = zone.localize(local) if hasattr(zone, "localize") else local.replace(tzinfo=zone)
    return aware.astimezone(dt.UTC).replace(tzinfo=None)


def from_utc(value: dt.datetime | None) -> dt.datetime | None:
    """Naive UTC from the database → the wall-clock time in the school's zone (naive)."""
    if value is None:
        return None
    return value.replace(tzinfo=dt.UTC).astimezone(get_timezone()).replace(tzinfo=None)
