"""HTTP hardening: a strict Content-Security-Policy (no inline script or style) and friends."""
from __future__ import annotations

from flask import request, session

CSP = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])


def _shows_personal_data() -> bool:
    """Every answer to a signed-in user (pages and htmx fragments alike), and the login page; not static files.

    Signed in is read from the session (Flask-Login keeps the user's id there, a remember cookie puts it
    back), not from `current_user`: after a view has committed, the user row is expired, and asking it
    would cost every POST a reload of the user only to set a header."""
    if request.endpoint == "static":
        return False
    return request.endpoint == "auth.login" or "_user_id" in session


def init_app(app) -> None:
    @app.after_request
    def _headers(response):
        if _shows_personal_data():
            # No copy in the browser's or a proxy's cache: the next person at a shared tablet sees nothing.
            response.headers["Cache-Control"] = "no-store"
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        if app.config.get("SESSION_COOKIE_SECURE"):
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        return response
