"""A named lock across every app server, held by the database: one copy of a scheduled job at a time.

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
from typing import Iterator

from sqlalchemy import text

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
