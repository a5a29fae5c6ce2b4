"""Writing the rollups: the school day an instant falls on, and upserts that add, on all three databases."""
from __future__ import annotations

import datetime as dt
import functools
from collections import Counter

from flask_babel import get_timezone

from eduflow.reports.scope import utc_midnight


@functools.lru_cache(maxsize=4096)
def _midnight(zone: str, day: dt.date) -> dt.datetime:
    return utc_midnight(day)


def school_day_of(instant: dt.datetime) -> dt.date:
    """The school day a naive-UTC instant falls on: the same boundary as ReportScope.during (utc_midnight)."""
    zone = get_timezone()
    day = instant.replace(tzinfo=dt.UTC).astimezone(zone).date()
    if instant < _midnight(str(zone), day):
        return day - dt.timedelta(days=1)
    if instant >= _midnight(str(zone), day + dt.timedelta(days=1)):
        return day + dt.timedelta(days=1)
    return day


def upsert(conn, table, key: tuple[str, ...], measure: str, delta: Counter) -> None:
    """Add `delta` to the rows of `table` (inserting missing ones), in key order so concurrent writers never
    wait on each other in a cycle; the primary key is where two inserts of one new row meet."""
    rows = [dict(zip(key, k), **{measure: n}) for k, n in sorted(delta.items(), key=lambda item: repr(item[0])) if n]
    for start in range(0, len(rows), 500):
        upsert_rows(conn, table, key, measure, rows[start:start + 500])


def upsert_rows(conn, table, key: tuple[str, ...], measure: str, rows: list[dict]) -> None:
    put(conn, table, key, rows, lambda target, new: {measure: target.c[measure] + new[measure]})


def put(conn, table, key, rows: list[dict], updates) -> None:
    """INSERT the rows, or on a row already there set `updates(table, the inserted values)`: one statement that
    works on SQLite, PostgreSQL and MariaDB, atomic under concurrent requests."""
    target = table.__table__
    dialect = conn.dialect.name
    if dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert as upsert
    elif dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as upsert
    else:
        from sqlalchemy.dialects.mysql import insert as upsert
    statement = upsert(target).values(rows)
    if dialect in ("mysql", "mariadb"):
        statement = statement.on_duplicate_key_update(updates(target, statement.inserted))
    else:
        statement = statement.on_conflict_do_update(index_elements=list(key), set_=updates(target, statement.excluded))
    conn.execute(statement)


def chunks(items: list, size: int = 200):
    for start in range(0, len(items), size):
        yield items[start:start + size]
