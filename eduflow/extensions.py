"""Flask extensions, created unbound and bound to the app in create_app(); and the SQLite statistics they keep.

SQLite plans a join from its statistics (sqlite_stat1), and has none until ANALYZE runs: without them it
may start a campus-wide join from all 100,000 leads. EduFlow follows SQLite's own advice
(https://sqlite.org/lang_analyze.html, "PRAGMA optimize"): a long-lived connection runs
`PRAGMA optimize=0x10002` when it opens and `PRAGMA optimize` when it closes, the scheduled jobs run it
periodically (eduflow.jobs), and a full ANALYZE follows every `flask db upgrade` that reaches the newest
revision (new indexes, new tables) and every bulk load. `optimize` is usually a no-op: it re-analyzes only a
table whose row count has changed a lot since its last ANALYZE. PostgreSQL's autovacuum and InnoDB's
persistent statistics keep their own, so this is SQLite only.
"""
import sqlite3

from flask_babel import Babel
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import event
from sqlalchemy.pool import Pool

from eduflow.models.base import Base

OPTIMIZE_ON_OPEN = "PRAGMA optimize=0x10002"  # SQLite ≥ 3.46 also checks tables this connection has not used
OPTIMIZE = "PRAGMA optimize"


def _pragma(dbapi_connection, statement: str) -> None:
    """Run a statistics pragma on a raw SQLite connection; any other database is left alone."""
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    try:
        dbapi_connection.execute(statement).fetchall()
    except sqlite3.Error:  # statistics are an optimisation: a busy or closing database skips them
        pass
    finally:
        # An ANALYZE the pragma began and could not finish (another connection was writing) leaves this connection
        # inside a transaction holding a read lock: its next write would then fail at once ("database is locked")
        # instead of waiting its turn. End it, so the connection starts clean.
        if getattr(dbapi_connection, "in_transaction", False):
            try:
                dbapi_connection.rollback()
            except sqlite3.Error:
                pass


@event.listens_for(Pool, "connect")
def _optimize_on_open(dbapi_connection, connection_record) -> None:
    _pragma(dbapi_connection, OPTIMIZE_ON_OPEN)


@event.listens_for(Pool, "close")
def _optimize_on_close(dbapi_connection, connection_record) -> None:
    _pragma(dbapi_connection, OPTIMIZE)


def optimize_statistics(connection) -> None:
    """SQLite's periodic `PRAGMA optimize` on a SQLAlchemy connection (the scheduled jobs call it)."""
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql(OPTIMIZE).fetchall()


def analyze(connection) -> None:
    """A full ANALYZE on SQLite, after a bulk load or a schema change (about a second on a large campus)."""
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql("ANALYZE")


def _analyze_at_head(ctx, step, heads, run_args) -> None:
    """Alembic's on_version_apply hook: once an upgrade reaches the newest revision, ANALYZE (SQLite)."""
    if ctx.as_sql or not step.is_upgrade or ctx.script is None or set(heads) != set(ctx.script.get_heads()):
        return
    analyze(ctx.connection)


db = SQLAlchemy(model_class=Base)
migrate = Migrate(on_version_apply=_analyze_at_head)
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
