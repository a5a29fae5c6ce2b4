"""The demo school for tests that look at it: loaded once per pytest-xdist worker, then written back row for row.

`load_demo_data` builds the school through the services, a few seconds each time; the layout, accessibility and
demo checks each want that same school in an otherwise empty database. The first test of a worker that asks for
it loads it for real and keeps every row of every table; later tests get the same rows back, ids included, in
one transaction, and the suite empties the tables after each test as always. The loader itself is tested by
tests/test_demo.py, which loads it afresh where loading is the point (the same seed twice, the command, a failure).
"""
from __future__ import annotations

from sqlalchemy import text

from eduflow.demo import load_demo_data
from eduflow.extensions import db
from eduflow.models import Base

_kept: dict = {}  # this process's database: the rows of each table and load_demo_data's counts


def demo_school() -> dict[str, int]:
    """Fill the empty database with the demo school, committed, as `load_demo_data()` does; return its counts."""
    if not _kept:
        counts = load_demo_data()
        db.session.commit()
        with db.engine.connect() as conn:
            rows = [(table, [dict(row._mapping) for row in conn.execute(table.select())])
                    for table in Base.metadata.sorted_tables]
        _kept.update(counts=counts, rows=rows)
        return dict(counts)
    db.session.commit()
    with db.engine.begin() as conn:
        _without_foreign_key_checks(conn)
        for table, rows in _kept["rows"]:
            if rows:
                conn.execute(table.insert(), rows)
    return dict(_kept["counts"])


def _without_foreign_key_checks(conn) -> None:
    """Rows go back table by table; a reference to a row of a table written later is checked at no point (SQLite does
    not check them unless asked; the ids are the ones the real load gave, so every reference holds at the end)."""
    dialect = conn.dialect.name
    if dialect == "postgresql":
        conn.execute(text("SET LOCAL session_replication_role = replica"))
    elif dialect == "mysql":
        conn.execute(text("SET FOREIGN_KEY_CHECKS = 0"))
