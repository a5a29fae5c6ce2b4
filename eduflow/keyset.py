"""Keyset ordering: a list's order as index ranges, a row's place in it as a cursor, and the one statement that
fetches the next rows of several lists at once (eduflow/pagination.py pages with it; the board fills its columns).

An order is a `Keyset` of `Segment`s (rows with a date by date, then rows without one), so every segment is a
plain index range and NULLs never defeat the index; a `Position` is a row's segment and key values, carried in
links as an opaque token and checked when it comes back. Nothing here reads the request.
"""
from __future__ import annotations

import base64
import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, and_, literal_column, or_, select, union_all
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import ColumnElement
from sqlalchemy.sql.visitors import InternalTraversal

from eduflow.extensions import db


class unindexed(ColumnElement):
    """`column`, which SQLite must not walk an index of (SQLite spells it `+column`; others plain `column`).

    A search narrows a campus to a few rows through its own index (pinyin, last four digits). Without
    statistics SQLite would rather walk the list order's index and test every row of the campus against
    the search, to save sorting; hiding the order's column leaves it the search's index. PostgreSQL and
    MariaDB keep statistics and choose well by themselves."""

    inherit_cache = True
    _traverse_internals = [("column", InternalTraversal.dp_clauseelement)]

    def __init__(self, column):
        self.column = getattr(column, "expression", column)
        self.type = self.column.type


@compiles(unindexed)
def _plain(element, compiler, **kw):
    return compiler.process(element.column, **kw)


@compiles(unindexed, "sqlite")
def _unary_plus(element, compiler, **kw):
    return "+" + compiler.process(element.column, **kw)


@dataclass(frozen=True)
class Segment:
    """A run of rows sorted by `keys` ((column, descending) pairs, unique together: the id comes last):
    those whose `present` column has a value, or whose `absent` column has none, or all of them. A list's
    order is its segments one after another (rows with a date, by date, then rows without one), so every
    segment is a plain index range and NULLs never defeat the index."""

    keys: tuple
    present: Any = None
    absent: Any = None

    def where(self, hint=lambda column: column):
        if self.present is not None:
            return hint(self.present).is_not(None)
        return hint(self.absent).is_(None) if self.absent is not None else None


@dataclass(frozen=True)
class Keyset:
    """A list order as segments. `pinned`: columns every query of the list holds at NULL (deleted_at: live rows
    only) and its indexes place before the keys. They lead each segment's ORDER BY, like the absent column of a
    NULLs segment: the order is the same (they are NULL on every row), and PostgreSQL, which does not count
    `IS NULL` as pinning a column, then sees that the index already returns the rows in that order instead of
    sorting the whole campus (SQLite and MariaDB see it either way)."""

    segments: tuple[Segment, ...]
    pinned: tuple = ()

    @classmethod
    def by(cls, *keys, pinned: tuple = ()) -> "Keyset":
        """One segment: columns that are never NULL."""
        return cls((Segment(tuple(keys)),), pinned)

    @classmethod
    def nulls_last(cls, column, ident, descending: bool = False, pinned: tuple = ()) -> "Keyset":
        """By a nullable column, rows without a value last; ties (and the NULLs) by id the same way."""
        return cls((Segment(((column, descending), (ident, descending)), present=column),
                    Segment(((ident, descending),), absent=column)), pinned)

    def reversed(self) -> "Keyset":
        return Keyset(tuple(Segment(tuple((c, not d) for c, d in s.keys), s.present, s.absent)
                            for s in reversed(self.segments)), self.pinned)

    @property
    def columns(self) -> list:
        """Every key column once, in a fixed order (each part of a union selects them all)."""
        seen: dict[str, Any] = {}
        for segment in self.segments:
            for column, _descending in segment.keys:
                seen.setdefault(column.key, column)
        return list(seen.values())


@dataclass(frozen=True)
class Position:
    """A row's place in a keyset order: its segment and its key values there."""

    segment: int
    values: tuple

    def token(self) -> str:
        raw = json.dumps([self.segment, *(v.isoformat() if isinstance(v, dt.datetime) else v for v in self.values)],
                         ensure_ascii=False, separators=(",", ":"))
        return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")

    @classmethod
    def parse(cls, token: str | None, keyset: Keyset) -> "Position | None":
        """The position a link carried, or None if it is missing or was tampered with."""
        if not token or len(token) > 600:
            return None
        try:
            segment, *raw = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
            keys = keyset.segments[segment].keys if isinstance(segment, int) and segment >= 0 else None
            if keys is None or len(raw) != len(keys):
                return None
            return cls(segment, tuple(_typed(column, value) for (column, _d), value in zip(keys, raw)))
        except (ValueError, TypeError, IndexError, AttributeError, UnicodeDecodeError):
            return None


def _typed(column, value):
    kind = column.type.python_type
    if kind is dt.datetime:
        parsed = dt.datetime.fromisoformat(value)
        if parsed.tzinfo is not None:
            raise ValueError(value)
        return parsed
    if kind is bool or not isinstance(value, kind):
        raise ValueError(value)
    return value


def _after(keys, values):
    """Rows strictly after `values` in the order of `keys`, written as an index range plus a tie-break."""
    (column, descending), value = keys[0], values[0]
    beyond = column < value if descending else column > value
    if len(keys) == 1:
        return beyond
    reached = column <= value if descending else column >= value
    return and_(reached, or_(beyond, _after(keys[1:], values[1:])))


def _parts(keyset: Keyset, where, start: Position | None, limit: int, tag: int = 0,
           narrow: bool = False) -> list[Select]:
    """One limited, index-ordered select per segment from `start` on (each a subquery, for the union);
    `narrow`: the where clause is a search, whose index should find the rows (see `unindexed`)."""
    columns = keyset.columns
    hint = unindexed if narrow else (lambda column: column)
    parts = []
    for index, segment in enumerate(keyset.segments):
        if start is not None and index < start.segment:
            continue
        keys = tuple((hint(column), descending) for column, descending in segment.keys)
        query = select(literal_column(str(tag)).label("tag"), literal_column(str(index)).label("seg"), *columns)
        for condition in (where, segment.where(hint)):
            if condition is not None:
                query = query.where(condition)
        if start is not None and index == start.segment:
            query = query.where(_after(keys, start.values))
        descending = keys[0][1]  # pinned columns follow the first key's direction: one index scan, either way
        fixed = [hint(column) for column in (*keyset.pinned, *([segment.absent] if segment.absent is not None else []))]
        order = [column.desc() if descending else column.asc() for column in fixed]
        order += [column.desc() if descending else column.asc() for column, descending in keys]
        parts.append(select(query.order_by(*order).limit(limit).subquery()))
    return parts


def _sorted(keyset: Keyset, rows) -> list[tuple[int, Position]]:
    """(tag, position) of the union's rows in the keyset order (the union itself promises no order)."""
    by_segment: dict[tuple[int, int], list] = {}
    for row in rows:
        by_segment.setdefault((row.tag, row.seg), []).append(row)
    result = []
    for (tag, index), group in sorted(by_segment.items()):
        keys = keyset.segments[index].keys
        for column, descending in reversed(keys):  # stable sorts, last key first
            group.sort(key=lambda row, name=column.key: getattr(row, name), reverse=descending)
        result += [(tag, Position(index, tuple(getattr(row, c.key) for c, _d in keys))) for row in group]
    return result


def keyset_rows(queries: list[tuple[Keyset, Any, Position | None]], limit: int, skip: int = 0,
                reverse: bool = False, narrow: bool = False) -> list[list[Position]]:
    """For each (keyset, where, start) the positions of up to `limit` rows after `start` (past `skip` more),
    all in ONE statement. The last key of every segment must be the primary key (Position.values[-1])."""
    parts = []
    for tag, (keyset, where, start) in enumerate(queries):
        order = keyset.reversed() if reverse else keyset
        start = Position(len(keyset.segments) - 1 - start.segment, start.values) if (reverse and start) else start
        parts += _parts(order, where, start, skip + limit, tag, narrow)
    rows = db.session.execute(union_all(*parts) if len(parts) > 1 else parts[0]).all()
    found: list[list[Position]] = [[] for _ in queries]
    for tag, position in _sorted_all(queries, rows, reverse):
        found[tag].append(position)
    return [positions[skip:skip + limit] for positions in found]


def _sorted_all(queries, rows, reverse: bool):
    for tag, (keyset, _where, _start) in enumerate(queries):
        order = keyset.reversed() if reverse else keyset
        for _tag, position in _sorted(order, [row for row in rows if row.tag == tag]):
            if reverse:
                position = Position(len(keyset.segments) - 1 - position.segment, position.values)
            yield tag, position


def load_in_order(query: Select, model, positions: list[Position]) -> list:
    """The rows of `query` (with its loader options) for these positions, in their order."""
    ids = [position.values[-1] for position in positions]
    rows = {row.id: row for row in db.session.scalars(query.order_by(None).where(model.id.in_(ids)))}
    return [rows[ident] for ident in ids if ident in rows]
