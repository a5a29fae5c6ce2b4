"""Counting the SQL statements a piece of code sends: the tests that hold a screen's cost constant.

    with counted() as statements:
        client.get("/leads/board")
    assert len(statements) == ...

The count is of round trips to the database (an executemany is one), taken on the engine the app
uses, so it counts what the request itself sends and nothing the test did before; nor what the notifications
queue does after the commit (the tests run its tasks in place; in production the worker does that work).
"""
from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator

from sqlalchemy import event

from eduflow.extensions import db


@contextmanager
def counted() -> Iterator[list[str]]:
    """The statements sent inside the block, in order (their SQL text)."""
    statements: list[str] = []

    def listener(conn, cursor, statement, parameters, context, executemany):
        if not conn.get_execution_options().get("eduflow_queue"):
            statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
