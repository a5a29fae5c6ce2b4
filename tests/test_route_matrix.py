"""The role × route matrix: every route of app.url_map, partials included, for every role.

Rows live beside each other in tests/matrix/<area>.py; a route added to the app without a row
fails `test_every_route_has_an_expectation`.
"""
from __future__ import annotations

import importlib
import pkgutil

import pytest

import tests.matrix as matrix_package
from tests.matrix import LOGIN, OK, ROLES

AREAS = [importlib.import_module(f"tests.matrix.{m.name}") for m in pkgutil.iter_modules(matrix_package.__path__)]
ROUTES = [row for area in AREAS for row in area.ROWS]


@pytest.fixture
def world(users, campuses):
    merged: dict = {}
    for area in AREAS:
        merged.update(area.build(users, campuses))
    return merged


def test_every_route_has_an_expectation(app):
    served = {
        (rule.endpoint, method)
        for rule in app.url_map.iter_rules()
        if rule.endpoint != "static"
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    covered = {(route.endpoint, route.method) for route in ROUTES}
    assert sorted(served - covered) == [], "routes without a role expectation: add rows in tests/matrix/"
    assert sorted(covered - served) == [], "matrix rows for routes that no longer exist"


def test_row_ids_are_unique():
    ids = [route.id for route in ROUTES]
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r.id)
def test_role_gets_expected_answer(app, client, login_as, world, route, role):
    if role != "anonymous":
        login_as(role)
    headers = {"HX-Request": "true"} if route.partial else {}
    response = client.open(route.url(world), method=route.method, data=route.data, headers=headers)
    expected = route.expect[role]
    location = response.headers.get("Location", "") + response.headers.get("HX-Redirect", "")
    if expected == OK:
        assert response.status_code not in (401, 403, 404), response.status_code
        assert "/login" not in location or route.endpoint.startswith("auth."), location
    elif expected == LOGIN:
        assert response.status_code == (401 if route.partial else 302) and "/login" in location
    else:
        assert response.status_code == expected
    if route.partial and response.status_code < 300:
        assert "<html" not in response.get_data(as_text=True), "an htmx partial must not be a whole page"
