"""One pagination rule for every list page (the `pager` macro renders it) and every "load more".

`?page=` is read in one place: missing, non-numeric or below 1 is page 1 (a mangled link still shows
the list, from its start); above MAX_PAGE it is capped, so no number ever overflows SQL OFFSET.
A list page beyond the last shows the last page (rows deleted or a narrower filter since the link was
made: the user sees the end of the list, not an empty one). A "load more" fragment beyond the end is
simply empty: it has nothing more to append.

Lists that grow to tens of thousands of rows (the leads) page by position instead of OFFSET
(`keyset_paginate`): "next" and "previous" carry a cursor naming the row the page stopped at, and the
query starts there from an index. A `?page=` without a cursor is served only where it is cheap — within
DEEP_WINDOW rows of either end of the list; a page in the middle of a huge list shows the first page and
says why (filters and search are the way into the middle of 100,000 leads, not page 1990).
"""
from __future__ import annotations

import base64
import datetime as dt
import json
import math
from dataclasses import dataclass, field
from typing import Any

from flask import current_app, request
from sqlalchemy import Select, and_, func, literal_column, or_, select, union_all
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import ColumnElement
from sqlalchemy.sql.visitors import InternalTraversal

from eduflow.extensions import db

MAX_PAGE = 100_000  # × 200 rows at most: far below any OFFSET limit, far above any list
DEEP_WINDOW = 1_000  # rows from either end of a keyset list that a bare ?page= may skip


def requested_page() -> int:
    """The ?page= of the request as a page number in 1..MAX_PAGE."""
    raw = request.args.get("page", "").strip()
    if not raw.isascii() or not raw.isdigit():
        return 1
    digits = raw.lstrip("0") or "0"
    return MAX_PAGE if len(digits) > len(str(MAX_PAGE)) else max(1, min(int(digits), MAX_PAGE))


def paginate(query: Select, per_page: int | None = None):
    """The requested page of a select; beyond the last page, the last page."""
    size = per_page or current_app.config["PAGE_SIZE"]
    page = db.paginate(query, page=requested_page(), per_page=size, error_out=False)
    if not page.items and page.page > 1:
        page = db.paginate(query, page=max(page.pages, 1), per_page=size, error_out=False)
    page.args = {k: v for k, v in request.args.items() if k != "page"}
    return page


# ---------- keyset paging ----------

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


@dataclass
class KeysetPage:
    """A page of a keyset list with what the pager shows: number of pages, neighbours' links."""

    items: list
    total: int
    page: int
    per_page: int
    has_prev: bool
    has_next: bool
    first: Position | None
    last: Position | None
    too_deep: int | None = None  # the ?page= asked for, when it lay too deep to open directly
    args: dict = field(default_factory=dict)

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))

    @property
    def prev_args(self) -> dict:
        if self.page <= 2 or self.first is None:
            return dict(self.args)
        return {"page": self.page - 1, "before": self.first.token(), **self.args}

    @property
    def next_args(self) -> dict:
        return {"page": self.page + 1, "after": self.last.token() if self.last else "", **self.args}

    @property
    def last_args(self) -> dict:
        return {"page": self.pages, **self.args}


def keyset_paginate(query: Select, model, keyset: Keyset, per_page: int | None = None,
                    narrow: bool = False, total: int | None = None) -> KeysetPage:
    """The page of `query` (a select of `model` with its filters and loader options) the request asks for:
    after or before a cursor, or a numbered page near either end; its total is `total` when the caller knows
    it (kept counts), else one COUNT. `narrow`: the filters include a search (see `unindexed`)."""
    size = per_page or current_app.config["PAGE_SIZE"]
    where = query.whereclause
    if total is None:
        counted = select(func.count()).select_from(model)
        total = db.session.scalar(counted.where(where) if where is not None else counted)
    pages = max(1, math.ceil(total / size))
    number, too_deep = min(requested_page(), pages), None
    after = Position.parse(request.args.get("after"), keyset)
    before = Position.parse(request.args.get("before"), keyset) if after is None else None
    if after is not None or before is not None:
        found = keyset_rows([(keyset, where, after or before)], size + 1, reverse=before is not None,
                            narrow=narrow)[0]
        more = len(found) > size
        found = found[:size]
        if before is not None:
            found.reverse()
        has_prev, has_next = (True, more) if after is not None else (more, True)
        number = max(2, number) if has_prev else 1
        has_next = has_next and bool(found)
    else:
        skip_front, skip_back = (number - 1) * size, max(0, total - number * size)
        if skip_front > DEEP_WINDOW and skip_back > DEEP_WINDOW:
            number, too_deep, skip_front = 1, number, 0
        if skip_front <= DEEP_WINDOW:
            found = keyset_rows([(keyset, where, None)], size, skip=skip_front, narrow=narrow)[0]
        else:
            found = keyset_rows([(keyset, where, None)], total - (number - 1) * size - skip_back,
                                skip=skip_back, reverse=True, narrow=narrow)[0][::-1]
        has_prev, has_next = number > 1, number < pages
    items = load_in_order(query, model, found)
    args = {k: v for k, v in request.args.items() if k not in ("page", "after", "before")}
    return KeysetPage(items, total, number, size, has_prev, has_next, found[0] if found else None,
                      found[-1] if found else None, too_deep, args)
