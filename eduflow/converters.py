"""URL and query-string ids bounded to the id columns' range, so an impossible id is a plain 404.

Every id column is an INTEGER: 1 .. 2^31-1 is what SQLite, PostgreSQL and MariaDB all store, so a
number outside it cannot name a row on any of them, and must never reach the database (SQLite
overflows at 2^63, PostgreSQL at 2^31).
"""
from __future__ import annotations

from flask import abort, request
from werkzeug.routing import IntegerConverter

ID_MIN, ID_MAX = 1, 2**31 - 1


class IdConverter(IntegerConverter):
    """Werkzeug's `int`, bounded to ID_MIN..ID_MAX unless a rule asks for other bounds."""

    def __init__(self, map, fixed_digits: int = 0, min: int | None = ID_MIN, max: int | None = ID_MAX,
                 signed: bool = False) -> None:
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def as_id(value) -> int | None:
    """A query-string id (`?student_id=`) as an int within the id range, else None."""
    text = value.strip() if isinstance(value, str) else ""
    if not text.isascii() or not text.isdigit() or len(text) > len(str(ID_MAX)):
        return None
    number = int(text)
    return number if ID_MIN <= number <= ID_MAX else None


def id_arg(name: str) -> int | None:
    """A query-string id: None when absent, a 404 (like a URL id) when it cannot name a row."""
    raw = request.args.get(name)
    if raw is None:
        return None
    number = as_id(raw)
    if number is None:
        abort(404)
    return number


def init_app(app) -> None:
    """Replace the default `int` converter; call before any blueprint adds its rules."""
    app.url_map.converters["int"] = IdConverter
