"""The one rule that decides fragment or full page, and the htmx response helpers."""
from __future__ import annotations

from flask import Response, render_template, request


def is_htmx() -> bool:
    """A fragment is wanted for htmx requests, except boosted navigation (which wants a page)."""
    return request.headers.get("HX-Request") == "true" and request.headers.get("HX-Boosted") != "true"


def render(template: str, fragment: str | None = None, **context) -> Response:
    """Render the page, or its fragment for htmx; the page includes the same fragment file."""
    body = render_template(fragment if fragment and is_htmx() else template, **context)
    response = Response(body)
    response.vary.add("HX-Request")
    return response


def hx_redirect(url: str) -> Response:
    response = Response(status=204)
    response.headers["HX-Redirect"] = url
    return response
