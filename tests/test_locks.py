"""The database's locks: the named one that keeps a second copy of a scheduled job from running alongside the
first, and the row locks that make writers of the same rows take turns."""
import threading
import time

import pytest
from sqlalchemy import select
from sqlalchemy.exc import OperationalError

from eduflow.extensions import db
from eduflow.locks import exclusive, lock_rows
from eduflow.models import Campus


def test_a_second_holder_is_refused_while_the_first_holds_the_lock():
    shared = db.engine.dialect.name in ("postgresql", "mysql")
    with exclusive("test-lock") as first:
        with exclusive("test-lock") as second:
            assert first is True
            assert second is (not shared)  # SQLite: one machine's file, always granted
        with exclusive("another-lock") as other:
            assert other is True
    with exclusive("test-lock") as again:
        assert again is True  # released when the block ended


def test_the_lock_survives_commits_inside_the_block():
    shared = db.engine.dialect.name in ("postgresql", "mysql")
    with exclusive("test-lock") as held:
        db.session.commit()
        with exclusive("test-lock") as second:
            assert held and second is (not shared)


# ---------- row locks ----------

def _campuses(*names: str) -> list[int]:
    made = [Campus(name=name) for name in names]
    db.session.add_all(made)
    db.session.commit()
    return [campus.id for campus in made]


def _writer(app, ids: list[int], events: list, start: threading.Event, hold: float = 0.0,
            trying: threading.Event | None = None) -> None:
    """Another app server: lock the rows in its own session, note when it holds them, commit after `hold`."""
    with app.app_context():
        try:
            start.wait()
            if trying:
                trying.set()
            lock_rows(Campus, ids)
            events.append(("locked", ids))
            time.sleep(hold)
            db.session.commit()
        except Exception as exc:  # noqa: BLE001 - reported by the test
            events.append(("error", exc))
            db.session.rollback()
        finally:
            db.session.remove()


def test_a_second_writer_of_the_rows_waits_until_the_first_commits(app):
    first, second = _campuses("一校区", "二校区")
    lock_rows(Campus, [second, first])
    events, start, trying = [], threading.Event(), threading.Event()
    other = threading.Thread(target=_writer, args=(app, [first], events, start, 0.0, trying))
    other.start()
    start.set()
    trying.wait(timeout=10)
    time.sleep(0.5)
    assert events == []  # still waiting for this session's lock
    events.append(("committing", None))
    db.session.commit()
    other.join(timeout=30)
    assert [what for what, _ in events] == ["committing", "locked"]


def test_writers_locking_the_same_rows_in_opposite_orders_take_turns_without_a_deadlock(app):
    ids = _campuses("一校区", "二校区", "三校区")
    events, start = [], threading.Event()
    writers = [threading.Thread(target=_writer, args=(app, order, events, start, 0.05))
               for _ in range(3) for order in (ids, list(reversed(ids)))]
    for writer in writers:
        writer.start()
    start.set()
    for writer in writers:
        writer.join(timeout=60)
    assert [what for what, _ in events] == ["locked"] * len(writers), events


def test_a_lock_changes_nothing_and_accepts_a_query_of_ids():
    first, second = _campuses("一校区", "二校区")
    before = db.session.execute(select(Campus.id, Campus.name, Campus.updated_at).order_by(Campus.id)).all()
    lock_rows(Campus, select(Campus.id).where(Campus.name == "二校区"))
    lock_rows(Campus, [])
    lock_rows(Campus, [None])  # a class not chosen yet: nothing to lock
    db.session.commit()
    assert db.session.execute(select(Campus.id, Campus.name, Campus.updated_at).order_by(Campus.id)).all() == before


def test_on_sqlite_a_lock_takes_the_database_write_lock():
    if db.engine.dialect.name != "sqlite":
        pytest.skip("row locks on the server databases are tested above")
    (campus,) = _campuses("一校区")
    lock_rows(Campus, [campus])
    with db.engine.connect() as other:
        other.exec_driver_sql("PRAGMA busy_timeout = 0")
        with pytest.raises(OperationalError, match="locked"):
            other.exec_driver_sql("BEGIN IMMEDIATE")
    db.session.commit()
