"""Parents and staff never share a page: a parent is refused every staff page, staff every parent page.

`parent_required` guards the parent side (anonymous visitors go to /p/login); the guard below answers 403 to a
parent on any staff page, except the two a parent may land on by habit (/ and /login), which lead to /p.
"""
from __future__ import annotations

from functools import wraps
from typing import Callable

from flask import abort, redirect, request, url_for
from flask_login import current_user

from eduflow.access import is_parent
from eduflow.htmx import hx_redirect, is_htmx
from eduflow.parents import bp

SHARED_ENDPOINTS = {"static", "dashboard.healthz", "auth.set_language"}  # the same for everyone
LANDINGS = {"dashboard.index", "auth.login"}  # a parent opening the staff start page is sent home


def parent_required(view: Callable) -> Callable:
    """Only a signed-in parent account; anonymous visitors sign in at /p/login, staff get 403."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        if not current_user.is_authenticated:
            target = url_for("parent.login", next=request.full_path if request.method == "GET" else None)
            if request.headers.get("HX-Request"):
                response = hx_redirect(url_for("parent.login"))
                response.status_code = 401
                return response
            return redirect(target)
        if not is_parent(current_user):
            abort(403)
        return view(*args, **kwargs)

    wrapped.parent_only = True
    return wrapped


@bp.before_app_request
def _keep_parents_out_of_staff_pages():
    """A parent account reaches only the parent side (and the shared endpoints)."""
    endpoint = request.endpoint or ""
    if endpoint.startswith("parent.") or endpoint in SHARED_ENDPOINTS or not endpoint:
        return None
    if not current_user.is_authenticated or not is_parent(current_user):
        return None
    if endpoint in LANDINGS and not is_htmx():
        return redirect(url_for("parent.home"))
    abort(403)
