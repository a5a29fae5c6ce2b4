"""How a request's transaction ends: a request that only read ends with COMMIT, one that wrote without
committing ends with ROLLBACK.

Flask-SQLAlchemy ends every request by closing its session, which rolls the open transaction back. For a
transaction that only read, COMMIT and ROLLBACK do the same thing, but not for psycopg: it forgets its
prepared statements on every ROLLBACK (`psycopg/_connection_base.py`, `_rollback_gen`), so the board's
statements, planned afresh on every request, never reach psycopg's `prepare_threshold` and PostgreSQL
spends more time planning them than running them. Ending a read-only transaction with COMMIT lets them be
prepared once per connection (docs/performance.md, "Fourth pass").

"Only read" is decided from what the connection sent, not from the session: every statement that is not
a plain SELECT (an INSERT, UPDATE or DELETE, a `WITH` that may hide one, a pragma, a lock) marks the
transaction as writing, and a marked transaction, an unflushed change or a request that raised is rolled
back exactly as before. So no half-written data is ever committed by this hook.

Behind a pooler in transaction mode (PgBouncer before 1.21) prepared statements must be switched off:
`EDUFLOW_PG_PREPARED_STATEMENTS=0` (eduflow/config.py).
"""
from __future__ import annotations

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

WROTE = "eduflow_wrote"


@event.listens_for(Engine, "begin")
def _new_transaction(conn) -> None:
    conn.info[WROTE] = False


@event.listens_for(Engine, "before_cursor_execute")
def _note_writes(conn, cursor, statement, parameters, context, executemany) -> None:
    if executemany or not statement.lstrip()[:6].upper() == "SELECT":
        conn.info[WROTE] = True


def init_app(app: Flask) -> None:
    """Register the hook; it must run before Flask-SQLAlchemy's own teardown, which closes the session."""
    from eduflow.extensions import db

    @app.teardown_appcontext
    def commit_read_only(exc: BaseException | None) -> None:
        if exc is not None or not db.session.registry.has():
            return
        session = db.session()
        try:
            if not session.in_transaction() or session.new or session.dirty or session.deleted:
                return
            if session.connection().info.get(WROTE, True):
                return
            session.commit()
        except SQLAlchemyError:
            # A transaction a caught error left unusable, or a lost connection: roll back, and never raise here,
            # or Flask would skip Flask-SQLAlchemy's own teardown and leave the session's transaction open.
            session.rollback()
