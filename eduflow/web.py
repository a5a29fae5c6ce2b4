"""The view toolkit: who is signed in, page-or-fragment answers, redirects and form submissions.

Every view uses these instead of a private helper of its own, so the rules (fragment vs. page, Vary, what a
refused form answers) are written once.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from flask import Response, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from eduflow.access import may_open
from eduflow.domain import DomainError, StaleRecord
from eduflow.extensions import db
from eduflow.htmx import hx_redirect, is_htmx
from eduflow.models import User


def me() -> User:
    """The signed-in user (the account itself, not the request-local proxy)."""
    return current_user._get_current_object()


def render(template: str, fragment: str | None = None, /, *, status: int = 200, trigger: str | None = None,
           **context) -> Response:
    """The page `template`, or its `fragment` for htmx (`is_htmx`); the answer varies with HX-Request. An endpoint
    that only ever answers a fragment passes it as `template`."""
    body = render_template(fragment if fragment and is_htmx() else template, **context)
    response = Response(body, status=status)
    response.vary.add("HX-Request")
    if trigger:
        response.headers["HX-Trigger"] = trigger
    return response


def removed() -> Response:
    """An htmx answer with no content: the swapped element (a deleted row) goes away."""
    response = Response("")
    response.vary.add("HX-Request")
    return response


def link_to(endpoint: str, **values) -> str | None:
    """A screen's URL if the user's role may open it (its view's role_required), else None: show no link."""
    return url_for(endpoint, **values) if may_open(endpoint) else None


def go(url: str) -> Response:
    """After a POST: a redirect, which htmx is told to follow as a page load (HX-Redirect)."""
    return hx_redirect(url) if is_htmx() else redirect(url)


@dataclass
class Outcome:
    """What `submit` did: `ok` (truthy) with the service's result, or the status a refused form answers."""

    ok: bool
    result: object = None
    status: int = 200
    message: str | None = None
    error: Exception | None = None

    def __bool__(self) -> bool:
        return self.ok


def refuse(form, error: Exception | str, field: str | None = None) -> None:
    """Put a refusal's message beside its field (an error's own `field`, else `field`), else on the form."""
    field = getattr(error, "field", None) or field
    (form[field].errors if field and field in form else form.form_errors).append(str(error))


def submit(form, action: Callable[[], object], *, conflict: str | None = None, stale: str | None = None,
           field: str | None = None, validate: bool = True) -> Outcome:
    """Validate the form (unless the caller did), run the service call and commit. A broken rule rolls back and
    lands on its field (the error's own, else `field`, else the form; 422, or the error's status: a stale version
    answers 409); a concurrent write rolls back the same way with a message (409): `stale` for a row changed
    meanwhile (version), `conflict` for a unique index (either one stands for both when only one is given)."""
    if validate and not form.validate_on_submit():
        return Outcome(False, status=422)
    try:
        result = action()
        db.session.commit()
    except DomainError as error:
        db.session.rollback()
        refuse(form, error, field)
        return Outcome(False, status=error.status_code, message=str(error), error=error)
    except (StaleDataError, IntegrityError) as error:
        db.session.rollback()
        given = (stale or conflict) if isinstance(error, StaleDataError) else (conflict or stale)
        message = str(given or _("该记录刚被他人修改，请刷新页面后重试。"))
        refuse(form, message, field)
        return Outcome(False, status=StaleRecord.status_code, message=message, error=error)
    return Outcome(True, result)
