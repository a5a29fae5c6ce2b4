"""One-time submission tokens for the forms that create money or lesson hours.

Every render of such a form carries a fresh random token (`OneTimeTokenForm`). `submit_once` claims the token
in the same transaction as the work it guards, by inserting it into `submission_tokens` whose primary key it
is, and stores the answer with it. A repeat of the same submission (a double click, a resend, ten POSTs at
once) cannot claim it again: sequentially it finds the stored answer; concurrently its insert waits on the
first one's uncommitted row (PostgreSQL, MariaDB; SQLite's write lock), fails on the key once that commits,
and then reads the answer. Either way it is answered with the first result and writes nothing.
"""
from __future__ import annotations

import json
import re
import secrets
from typing import Callable

from flask import Response, flash, request, session
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from wtforms import HiddenField
from wtforms.validators import ValidationError

from eduflow.domain import DomainError
from eduflow.extensions import db
from eduflow.models import SubmissionToken, User, utcnow

TOKEN = re.compile(r"[A-Za-z0-9_-]{32,64}")
REPLAYED_HEADERS = ("Location", "Content-Type", "Vary", "HX-Redirect", "HX-Refresh", "HX-Trigger", "HX-Retarget",
                    "HX-Reswap", "HX-Location", "HX-Push-Url")


class SubmissionExpired(DomainError):
    """The token is missing, malformed, or belongs to another user or form."""

    status_code = 409


def new_token() -> str:
    return secrets.token_urlsafe(32)


# ---------- the form side ----------

class OneTimeTokenForm:
    """Form mixin: a hidden one-time token, new on every render. Override `token_required` for a form that
    creates money or hours only in some cases; a token that is sent is honoured either way."""

    submission_token = HiddenField(default=new_token)

    @property
    def token_required(self) -> bool:
        return True

    def sent_token(self) -> str | None:
        """The token the browser sent (never the default a missing field would get)."""
        raw = self.submission_token.raw_data
        return raw[0] if raw and raw[0] else None

    def earlier_answer(self) -> SubmissionToken | None:
        """The first submission of this token, committed, when this one repeats it (looked up once)."""
        if not hasattr(self, "_earlier"):
            self._earlier = answered(self.sent_token()) if self.is_submitted() else None
        return self._earlier

    def validate(self, extra_validators=None) -> bool:
        """A repeat is not validated again (its contract number is taken by then): it gets the first answer."""
        if self.earlier_answer() is not None:
            return True
        if super().validate(extra_validators):
            return True
        if self.sent_token() is not None:  # a twin may have committed meanwhile, its effects failing this one
            self._earlier = answered(self.sent_token())
            if self._earlier is not None:
                return True
        self.form_errors.extend(self.submission_token.errors)  # a hidden field: say it where the form says its own
        return False

    def validate_submission_token(self, field) -> None:
        sent = self.sent_token()
        if sent is None and not self.token_required:
            return
        if sent is None or not TOKEN.fullmatch(sent):
            raise ValidationError(_l("页面已过期，请刷新页面后重新提交。"))


# ---------- the service side ----------

def answered(token: str | None) -> SubmissionToken | None:
    """The committed submission that holds `token`, if the signed-in user made it at this endpoint."""
    if token is None or not TOKEN.fullmatch(token) or not current_user.is_authenticated:
        return None
    earlier = _committed(token)
    if earlier is None or earlier.user_id != current_user.id or earlier.endpoint != (request.endpoint or ""):
        return None
    return earlier


def claim(token: str, user: User, endpoint: str) -> SubmissionToken | None:
    """Take the token for the current transaction (None), or return the earlier submission that holds it."""
    earlier = _committed(token)
    if earlier is None:
        db.session.add(SubmissionToken(token=token, user_id=user.id, endpoint=endpoint, created_at=utcnow()))
        try:
            db.session.flush()
            return None
        except IntegrityError:  # a concurrent twin claimed it first and has committed by now
            db.session.rollback()
            earlier = _committed(token)
    if earlier is None or earlier.user_id != user.id or earlier.endpoint != endpoint:
        raise SubmissionExpired(_("页面已过期，请刷新页面后重新提交。"))
    return earlier


def _committed(token: str) -> SubmissionToken | None:
    return db.session.scalar(select(SubmissionToken).where(SubmissionToken.token == token)
                             .execution_options(populate_existing=True))


def keep_answer(claimed: SubmissionToken, response: Response, flashes: list) -> None:
    """Store the answer a repeat will get: status, the headers that steer the browser or htmx, body, messages."""
    claimed.status = response.status_code
    claimed.headers = json.dumps({name: response.headers[name] for name in REPLAYED_HEADERS
                                  if name in response.headers})
    claimed.body = response.get_data(as_text=True)
    claimed.flashes = json.dumps(flashes, ensure_ascii=False)
    db.session.flush()


def replay(earlier: SubmissionToken) -> Response:
    """The first submission's answer, again (its messages flashed again for the page it leads to)."""
    for category, message in json.loads(earlier.flashes or "[]"):
        flash(message, category)
    return Response(earlier.body, status=earlier.status, headers=json.loads(earlier.headers or "{}"))


# ---------- the view side ----------

def submit_once(form: OneTimeTokenForm, perform: Callable[[], Response]) -> Response:
    """Run `perform` (the service call and the answer, no commit) once per token and commit; a repeat gets the
    first answer. Domain and integrity errors propagate with nothing committed, leaving the token unused."""
    token = form.sent_token()  # None: a form that did not need one this time (its validation said so)
    earlier = None if token is None else (
        form.earlier_answer() or claim(token, current_user._get_current_object(), request.endpoint or ""))
    if earlier is not None:
        db.session.rollback()
        return replay(earlier)
    before = list(session.get("_flashes", []))
    try:
        response = perform()
        if token is not None:
            keep_answer(db.session.get(SubmissionToken, token), response,
                        [list(item) for item in session.get("_flashes", [])[len(before):]])
        db.session.commit()
    except Exception:
        session["_flashes"] = before  # nothing happened: no success message either
        raise
    return response
