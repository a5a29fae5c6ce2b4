"""SQLite keeps its planner statistics: ANALYZE after the migrations, PRAGMA optimize when a connection opens
and closes and in the scheduled jobs (eduflow.extensions)."""
from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy import insert, text

from eduflow.extensions import OPTIMIZE, _optimize_on_close, analyze, db, optimize_statistics
from eduflow.jobs import run_jobs
from eduflow.models import Lead


@pytest.fixture
def sqlite_only():
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite's statistics; other databases keep their own")


def _stats(table: str) -> list[tuple]:
    return db.session.execute(text("SELECT idx, stat FROM sqlite_stat1 WHERE tbl = :t"), {"t": table}).all()


def _many_leads(campuses, count: int) -> None:
    db.session.execute(insert(Lead.__table__), [
        {"name": f"线索{n}", "name_pinyin": f"xiansuo{n}", "name_initials": "xs", "campus_id": campuses[0].id,
         "stage": "new", "version": 1} for n in range(count)])
    db.session.commit()


def test_the_migrations_leave_sqlite_statistics(app, sqlite_only):
    assert db.session.execute(text("SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'")).scalar() == 1


def test_analyze_after_a_bulk_load_records_the_new_rows(campuses, sqlite_only):
    _many_leads(campuses, 300)
    analyze(db.session.connection())
    db.session.commit()
    assert any(stat.startswith("300 ") for _idx, stat in _stats("leads"))


def test_the_scheduled_jobs_run_optimize(app, monkeypatch):
    ran = []
    monkeypatch.setattr("eduflow.jobs.optimize_statistics", lambda connection: ran.append(connection.dialect.name))
    run_jobs()
    assert ran == [db.engine.dialect.name]
    run_jobs(dry_run=True)
    assert len(ran) == 1, "a dry run changes nothing, statistics included"


def test_optimize_re_analyzes_a_table_that_grew(campuses, sqlite_only):
    _many_leads(campuses, 10)
    analyze(db.session.connection())
    db.session.commit()
    _many_leads(campuses, 600)  # 61 times as many: optimize re-analyzes a table that grew 25-fold or more
    db.session.execute(text("SELECT id FROM leads WHERE campus_id = :c"), {"c": campuses[0].id}).all()
    optimize_statistics(db.session.connection())
    db.session.commit()
    assert any(stat.startswith("610 ") for _idx, stat in _stats("leads"))


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
