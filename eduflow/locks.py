"""Locks held by the database: a named one across every app server (one copy of a scheduled job at a time), and
row locks that make writers of the same rows take turns (`lock_rows`).

    with exclusive("jobs") as held:
        if not held: ...  # another server is running it; nothing to do

PostgreSQL takes an advisory lock, MariaDB/MySQL `GET_LOCK`; both belong to a connection of their
own, opened for the block, so commits inside the block do not release it, and a crashed holder's
lock goes with its connection. SQLite is one machine's file, whose writes are already serialised:
the lock is always granted there. Never waits: a second copy learns at once that it is not needed.
"""
from __future__ import annotations

import zlib
from contextlib import contextmanager
from typing import Iterable, Iterator

from sqlalchemy import Select, select, text, update

from eduflow.extensions import db


@contextmanager
def exclusive(name: str) -> Iterator[bool]:
    """Hold the lock `name` for the block if no one else does; yields whether it is held."""
    dialect = db.engine.dialect.name
    if dialect not in ("postgresql", "mysql"):
        yield True
        return
    key = f"eduflow:{name}"
    with db.engine.connect() as conn:
        if dialect == "postgresql":
            number = zlib.crc32(key.encode())
            held = bool(conn.scalar(text("SELECT pg_try_advisory_lock(:n)"), {"n": number}))
            release = text("SELECT pg_advisory_unlock(:n)"), {"n": number}
        else:
            held = conn.scalar(text("SELECT GET_LOCK(:k, 0)"), {"k": key}) == 1
            release = text("SELECT RELEASE_LOCK(:k)"), {"k": key}
        conn.commit()
        try:
            yield held
        finally:
            if held:
                conn.execute(*release)
                conn.commit()


def lock_rows(model, ids: Iterable[int] | Select, *, on=None) -> None:
    """Hold the row locks of these rows (a list of ids, or a select of ids) until commit, taken in id order so
    two writers never wait on each other in a circle; on SQLite, its database write lock, taken before anything
    is read (a write that changes nothing). `on` is the session or connection to lock with (the app's session)."""
    executor = db.session if on is None else on
    if not isinstance(ids, Select):
        ids = sorted({ident for ident in ids if ident is not None})
        if not ids:
            return
    table = model.__table__
    which = table.c.id.in_(ids)
    if _dialect(executor) == "sqlite":
        executor.execute(update(table).where(which).values(_unchanged(table)))
    else:
        executor.execute(select(table.c.id).where(which).order_by(table.c.id).with_for_update())


def _unchanged(table) -> dict:
    """Columns set to themselves: those stamped on update (so they are not), or else one neither a key nor indexed,
    so the write checks and rewrites nothing else (setting a key would look up every row referring to it)."""
    stamped = {column: column for column in table.columns if column.onupdate is not None}
    indexed = {column for index in table.indexes for column in index.columns}
    plain = next((column for column in table.columns
                  if not (column.primary_key or column.foreign_keys or column.unique or column in indexed)), table.c.id)
    return stamped or {plain: plain}


def _dialect(executor) -> str:
    bind = executor.get_bind() if hasattr(executor, "get_bind") else executor  # a session, or a connection
    return bind.dialect.name
