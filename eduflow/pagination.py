"""One pagination rule for every list page (the `pager` macro renders it) and every "load more".

`?page=` is read in one place: missing, non-numeric or below 1 is page 1 (a mangled link still shows
the list, from its start); above MAX_PAGE it is capped, so no number ever overflows SQL OFFSET.
A list page beyond the last shows the last page (rows deleted or a narrower filter since the link was
made: the user sees the end of the list, not an empty one). A "load more" fragment beyond the end is
simply empty: it has nothing more to append.

Lists that grow to tens of thousands of rows (the leads) page by position instead of OFFSET
(`keyset_paginate`): "next" and "previous" carry a cursor naming the row the page stopped at, and the
query starts there from an index (the orders and cursors themselves: eduflow/keyset.py). A `?page=` without
a cursor is served only where it is cheap — within DEEP_WINDOW rows of either end of the list; a page in the
middle of a huge list shows the first page and says why (filters and search are the way into the middle of 100,000 leads, not page 1990).
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

from flask import current_app, request
from sqlalchemy import Select, func, select

from eduflow.extensions import db
from eduflow.keyset import Keyset, Position, keyset_rows, load_in_order

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
