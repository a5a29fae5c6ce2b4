"""Every parent page that names a record by id is tried with another family's record (the matrix answers 404).

The rows themselves live in tests/matrix/parents*.py; this test keeps a new parent route from landing without one.
"""
from __future__ import annotations

from werkzeug.routing import IntegerConverter

from tests.matrix import OK, PARENT
from tests.test_route_matrix import ROUTES


def _takes_an_id(rule) -> bool:
    return any(isinstance(converter, IntegerConverter) for converter in rule._converters.values())


def test_every_parent_route_with_an_id_is_tried_with_another_familys_record(app):
    missing = []
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith("parent.") or not _takes_an_id(rule):
            continue
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            rows = [route for route in ROUTES if route.endpoint == rule.endpoint and route.method == method]
            if not any(route.expected(PARENT) == 404 for route in rows) or not any(
                    route.expected(PARENT) == OK for route in rows):
                missing.append(f"{rule.endpoint} {method}")
    assert missing == [], "parent routes without an own-child row and a foreign-record (404) row"
