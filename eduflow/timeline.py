"""Timelines merged from several tables, newest first, a page at a time behind an exact (time, kind, id)
cursor: entries sharing one timestamp (a six-speed save writes several) are never skipped at a page break."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, or_, true

from eduflow.extensions import db


@dataclass(frozen=True)
class Cursor:
    """Where the previous page stopped: the last item's time, kind and id (the sort key, newest first)."""

    at: dt.datetime
    kind: str
    id: int

    def __str__(self) -> str:
        return f"{self.at.isoformat()}~{self.kind}~{self.id}"

    @classmethod
    def parse(cls, raw: str, kinds) -> "Cursor | None":
        """The cursor a 'more' link carried, or None if it was tampered with."""
        try:
            at, kind, ident = raw.split("~")
            cursor = cls(dt.datetime.fromisoformat(at), kind, int(ident))
        except ValueError:
            return None
        return cursor if cursor.kind in kinds and cursor.at.tzinfo is None else None


@dataclass(frozen=True)
class TimelineItem:
    kind: str  # the template shows each kind differently
    at: dt.datetime  # naive UTC
    record: Any

    @property
    def key(self) -> str:
        return f"{self.kind}-{self.record.id}"

    @property
    def cursor(self) -> Cursor:
        return Cursor(self.at, self.kind, self.record.id)

    @property
    def sort_key(self) -> tuple:
        return self.at, self.kind, self.record.id


def older_than(cursor: Cursor | None, kind: str, column, ident):
    """Rows strictly after the cursor in (time desc, kind desc, id desc) order."""
    if cursor is None:
        return true()
    if kind > cursor.kind:
        return column < cursor.at
    if kind < cursor.kind:
        return column <= cursor.at
    return or_(column < cursor.at, and_(column == cursor.at, ident < cursor.id))


def merge_page(sources, cursor: Cursor | None, limit: int,
               extra: list[TimelineItem] = ()) -> tuple[list[TimelineItem], Cursor | None]:
    """One page from (kind, time column, query) sources plus `extra` items, and the next page's cursor."""
    items = list(extra)
    for kind, column, query in sources:
        entity = column.class_
        query = query.where(older_than(cursor, kind, column, entity.id))
        rows = db.session.scalars(query.order_by(column.desc(), entity.id.desc()).limit(limit + 1)).unique()
        items.extend(TimelineItem(kind, getattr(row, column.key), row) for row in rows)
    items.sort(key=lambda item: item.sort_key, reverse=True)
    page = items[:limit]
    return page, (page[-1].cursor if len(items) > limit else None)
