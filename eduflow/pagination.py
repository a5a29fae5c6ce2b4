"""One pagination rule for every list page (the `pager` macro renders it) and every "load more".

`?page=` is read in one place: missing, non-numeric or below 1 is page 1 (a mangled link still shows
the list, from its start); above MAX_PAGE it is capped, so no number ever overflows SQL OFFSET.
A list page beyond the last shows the last page (rows deleted or a narrower filter since the link was
made: the user sees the end of the list, not an empty one). A "load more" fragment beyond the end is
simply empty: it has nothing more to append.
"""
from __future__ import annotations

from flask import current_app, request
from sqlalchemy import Select

from eduflow.extensions import db

MAX_PAGE = 100_000  # × 200 rows at most: far below any OFFSET limit, far above any list


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
