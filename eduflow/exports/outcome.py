"""An export's audit trail: a "started" entry before any of the file is read, then its outcome.

The outcome ("completed" once the last byte is handed to the server, "failed" if writing raised or the
client went away) is written when the body's generator ends, after the request's session and User are
gone: everything it needs is kept here as plain values.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable, Iterator

from eduflow import audit
from eduflow.exports.sheets import Export
from eduflow.extensions import db

STARTED, COMPLETED, FAILED = "started", "completed", "failed"


@dataclass
class ExportRun:
    """One export under way: its "started" entry and who ran it from where, as plain values."""

    entry_id: int
    table: str
    fmt: str
    actor_id: int | None
    ip: str
    rows: int = field(default=0)  # rows written so far

    def count(self, rows: Iterable[list]) -> Iterator[list]:
        """The rows, counted as they are written."""
        for row in rows:
            self.rows += 1
            yield row


def start(export: Export, fmt: str) -> ExportRun:
    """The "started" entry (filters, rows expected, format), committed on its own before any row is read."""
    entry = audit.record("export", export.table, changes={"filters": export.filters, "rows": export.row_count,
                                                          "format": fmt, "outcome": STARTED})
    db.session.flush()
    run = ExportRun(entry_id=entry.id, table=export.table, fmt=fmt, actor_id=entry.actor_id, ip=entry.ip)
    db.session.commit()
    return run


def finish(run: ExportRun, outcome: str) -> None:
    """The outcome entry, pointing at the "started" one, with the rows actually written."""
    db.session.rollback()  # whatever a failure left half done
    audit.record("export", run.table, changes={"outcome": outcome, "rows": run.rows, "format": run.fmt,
                                               "started": run.entry_id}, actor_id=run.actor_id, ip=run.ip)
    db.session.commit()


def watched(run: ExportRun, chunks: Iterable[bytes]) -> Iterator[bytes]:
    """The response body, recording "completed" after its last chunk and "failed" if it never gets there."""
    outcome = FAILED
    try:
        yield from chunks
        outcome = COMPLETED
    finally:
        finish(run, outcome)
