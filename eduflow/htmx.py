"""The one rule that decides fragment or full page, and the htmx redirect; eduflow.web builds the answers on them."""
from __future__ import annotations

from flask import Response, request


def is_htmx() -> bool:
    """A fragment is wanted for htmx requests, except boosted navigation (which wants a page)."""
    return request.headers.get("HX-Request") == "true" and request.headers.get("HX-Boosted") != "true"


def hx_redirect(url: str) -> Response:
    """A redirect htmx follows as a full page load (204 with HX-Redirect)."""
    response = Response(status=204)
    response.headers["HX-Redirect"] = url
    return response
