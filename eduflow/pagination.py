"""One pagination helper for every list page (the `pager` macro renders it)."""
from __future__ import annotations

from flask import current_app, request
from sqlalchemy import Select

from eduflow.extensions import db


def paginate(query: Select, per_page: int | None = None):
    """Page through a select; ?page= out of range answers an empty last page, never an error."""
    page = db.paginate(query, per_page=per_page or current_app.config["PAGE_SIZE"], error_out=False, max_per_page=200)
    page.args = {k: v for k, v in request.args.items() if k != "page"}
    return page
