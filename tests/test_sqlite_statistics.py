"""SQLite keeps its planner statistics: ANALYZE after the migrations, PRAGMA optimize when a connection opens
and closes and in the scheduled jobs (eduflow.extensions)."""
from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy import create_engine, insert, text

from eduflow.extensions import OPTIMIZE, _optimize_on_close, analyze, db, optimize_statistics
from eduflow.jobs import run_jobs
from eduflow.models import Lead


@pytest.fixture
def sqlite(tmp_path):
    """A SQLite database of its own, whatever database the suite runs on: these are SQLite's statistics
    (PostgreSQL and MariaDB keep their own), so they are proven on every run."""
    engine = create_engine(f"sqlite:///{tmp_path / 'statistics.db'}")
    Lead.__table__.create(engine)
    with engine.connect() as connection:
        yield connection
    engine.dispose()


def _stats(connection, table: str) -> list[tuple]:
    return connection.execute(text("SELECT idx, stat FROM sqlite_stat1 WHERE tbl = :t"), {"t": table}).all()


def _many_leads(connection, count: int) -> None:
    connection.execute(insert(Lead.__table__), [
        {"name": f"线索{n}", "name_pinyin": f"xiansuo{n}", "name_initials": "xs", "campus_id": 1,
         "stage": "new", "version": 1} for n in range(count)])
    connection.commit()


def test_the_migrations_leave_sqlite_statistics(tmp_path):
    from flask_migrate import upgrade

    from eduflow import create_app
    from tests.conftest import make_test_config

    app = create_app(make_test_config(f"sqlite:///{tmp_path / 'migrated.db'}", None))
    with app.app_context():
        upgrade()
        found = db.session.execute(text("SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'")).scalar()
        db.session.remove()
        db.engine.dispose()
    assert found == 1


def test_analyze_after_a_bulk_load_records_the_new_rows(sqlite):
    _many_leads(sqlite, 300)
    analyze(sqlite)
    sqlite.commit()
    assert any(stat.startswith("300 ") for _idx, stat in _stats(sqlite, "leads"))


def test_the_scheduled_jobs_run_optimize(app, monkeypatch):
    ran = []
    monkeypatch.setattr("eduflow.jobs.optimize_statistics", lambda connection: ran.append(connection.dialect.name))
    run_jobs()
    assert ran == [db.engine.dialect.name]
    run_jobs(dry_run=True)
    assert len(ran) == 1, "a dry run changes nothing, statistics included"


def test_optimize_re_analyzes_a_table_that_grew(sqlite):
    _many_leads(sqlite, 10)
    analyze(sqlite)
    sqlite.commit()
    _many_leads(sqlite, 600)  # 61 times as many: optimize re-analyzes a table that grew 25-fold or more
    sqlite.execute(text("SELECT id FROM leads WHERE campus_id = 1")).all()
    optimize_statistics(sqlite)
    sqlite.commit()
    assert any(stat.startswith("610 ") for _idx, stat in _stats(sqlite, "leads"))


def test_a_closing_connection_runs_optimize(tmp_path):
    path = tmp_path / "close.db"
    raw = sqlite3.connect(path)
    raw.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, a INTEGER)")
    raw.execute("CREATE INDEX ix_t_a ON t (a)")
    raw.executemany("INSERT INTO t (a) VALUES (?)", [(n % 7,) for n in range(500)])
    raw.commit()
    raw.execute("SELECT * FROM t WHERE a = 3").fetchall()  # optimize considers the tables a connection used
    _optimize_on_close(raw, None)
    raw.close()
    check = sqlite3.connect(path)
    assert check.execute("SELECT stat FROM sqlite_stat1 WHERE idx = 'ix_t_a'").fetchone()[0].startswith("500 ")
    check.close()


def test_statistics_pragmas_leave_other_databases_alone(app):
    class Other:
        def execute(self, statement):
            raise AssertionError("not SQLite: nothing to run")

    _optimize_on_close(Other(), None)
    if db.engine.dialect.name != "sqlite":
        optimize_statistics(db.session.connection())  # a no-op there
    assert OPTIMIZE == "PRAGMA optimize"


def test_a_statistics_pragma_that_fails_leaves_no_transaction_open(tmp_path):
    """A connection whose pragma failed half-way must not keep a read transaction: its next write would fail at
    once ("database is locked") while another connection writes, instead of waiting its turn."""
    import sqlite3

    from eduflow.extensions import _pragma

    connection = sqlite3.connect(tmp_path / "stats.db")
    connection.execute("CREATE TABLE t (x)")
    connection.execute("INSERT INTO t VALUES (1)")  # pysqlite opens a transaction here
    assert connection.in_transaction
    _pragma(connection, "SELECT * FROM no_such_table")  # fails like a busy ANALYZE would
    assert not connection.in_transaction
    connection.close()
