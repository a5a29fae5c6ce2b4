"""Error pages: a fragment for htmx, a full page otherwise; the session is rolled back on 500."""
from __future__ import annotations

from flask import render_template
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from eduflow.extensions import db
from eduflow.htmx import is_htmx


def _render_error(code: int, message: str | None = None):
    template = "errors/_error.html" if is_htmx() else "errors/page.html"
    response = render_template(template, code=code, message=message), code
    return response


def init_app(app) -> None:
    @app.errorhandler(HTTPException)
    def _http_error(error: HTTPException):
        if error.code is None or error.code < 400:
            return error
        return _render_error(error.code)

    @app.errorhandler(CSRFError)
    def _csrf_error(error: CSRFError):
        return _render_error(400, "csrf")

    @app.errorhandler(InternalServerError)
    def _server_error(error):
        db.session.rollback()
        return _render_error(500)
