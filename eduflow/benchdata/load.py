"""Loading campuses: the builders in dependency order, the audit trail off, then rollups and statistics."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select, text

from eduflow.benchdata.context import BenchContext
from eduflow.benchdata.finance import build_enrollments, plan_seats
from eduflow.benchdata.org import build_campus, build_shared, password_hash
from eduflow.benchdata.people import build_students, plan_students
from eduflow.benchdata.sales import build_leads
from eduflow.benchdata.teaching import build_classes
from eduflow.extensions import db
from eduflow.models import Base, Campus

CAMPUS_PREFIX = "基准校区 "


def load(campuses: int, scale: float, seed: int, *, now: dt.datetime | None = None,
         progress=lambda message: None) -> int:
    """Add the campuses, rebuild the rollups, commit and refresh the planner's statistics; returns the id of
    the first campus added. All or nothing: on error the transaction is rolled back."""
    session = db.session
    marker = object()
    previous = session.info.get("audit_disabled", marker)
    session.info["audit_disabled"] = True  # synthetic rows are not user actions
    synchronous = _fast_sqlite()
    try:
        hashed = password_hash()
        first_number = session.scalar(select(func.count()).select_from(Campus)
                                      .where(Campus.name.startswith(CAMPUS_PREFIX))) + 1
        first_id = None
        for number in range(first_number, first_number + campuses):
            ctx = load_one(number, scale, seed, hashed, now=now, progress=progress)
            first_id = first_id or ctx.campus_id
        _fix_sequences()
        _analyze()  # the rollups' rebuild joins the new rows: plan it with their statistics
        progress("rollups")
        from eduflow.rollups import rebuild_all

        rebuild_all()
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        _restore_sqlite(synchronous)
        if previous is marker:
            session.info.pop("audit_disabled", None)
        else:
            session.info["audit_disabled"] = previous
    _settle()
    return first_id


def load_one(number: int, scale: float, seed: int, hashed: str, *, now: dt.datetime | None = None,
             progress=lambda message: None) -> BenchContext:
    """One campus, builder by builder (the caller commits)."""
    ctx = BenchContext(number, scale, seed, now)
    build_shared(ctx, hashed)
    build_campus(ctx, hashed)
    progress(f"campus {number}: classes")
    build_classes(ctx)
    plan_students(ctx)
    plan_seats(ctx)
    progress(f"campus {number}: students")
    build_students(ctx)
    progress(f"campus {number}: enrolments and attendance")
    build_enrollments(ctx)
    progress(f"campus {number}: leads")
    build_leads(ctx)
    progress(f"campus {number} rows: " + ", ".join(f"{name} {n}" for name, n in ctx.rows.written.items()))
    return ctx


def _fast_sqlite() -> int | None:
    """A bulk load need not sync every page to disk on the way (the final commit still does); returns the
    connection's setting to restore."""
    connection = db.session.connection()
    if connection.dialect.name != "sqlite":
        return None
    synchronous = connection.exec_driver_sql("PRAGMA synchronous").scalar()
    connection.exec_driver_sql("PRAGMA synchronous=OFF")
    connection.exec_driver_sql("PRAGMA cache_size=-262144")  # 256 MB for the index pages
    return synchronous


def _restore_sqlite(synchronous: int | None) -> None:
    if synchronous is not None:
        connection = db.session.connection()
        connection.exec_driver_sql(f"PRAGMA synchronous={int(synchronous)}")
        connection.exec_driver_sql("PRAGMA cache_size=-2000")  # SQLite's default


def _fix_sequences() -> None:
    """Ids were handed out by the loader: move PostgreSQL's sequences past them."""
    connection = db.session.connection()
    if connection.dialect.name != "postgresql":
        return
    for table in Base.metadata.sorted_tables:
        if "id" in table.c and table.c.id.primary_key:
            connection.execute(text(
                f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                f"COALESCE((SELECT MAX(id) FROM {table.name}), 0) + 1, false)"))


def _settle() -> None:
    """Statistics of the committed rows, and on PostgreSQL the visibility map a database that autovacuum has
    visited carries: without VACUUM every index-only scan (the board's counts, keyset pages) reads the
    heap too, which no school's long-lived database does."""
    if db.session.connection().dialect.name != "postgresql":
        _analyze()
        db.session.commit()
        return
    db.session.commit()
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.exec_driver_sql("VACUUM (ANALYZE)")


def _analyze() -> None:
    """Fresh planner statistics (of the rows this transaction sees), so queries on the new data use the right
    indexes; SQLite never gathers them by itself, PostgreSQL only later and only for committed rows."""
    connection = db.session.connection()
    if connection.dialect.name == "mysql":
        connection.exec_driver_sql("ANALYZE TABLE " + ", ".join(t.name for t in Base.metadata.sorted_tables))
    else:
        connection.exec_driver_sql("ANALYZE")
