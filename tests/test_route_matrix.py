"""The role × route matrix: every route of app.url_map, partials included, for every role.

Rows live beside each other in tests/matrix/<area>.py; a route added to the app without a row
fails `test_every_route_has_an_expectation`. The world the rows' URLs name is built once per module
(per pytest-xdist worker) and every case runs inside a savepoint rolled back after it (tests/conftest.py).
"""
from __future__ import annotations


import pytest

from eduflow.extensions import db
from tests import factories
from tests.matrix import EVERY_ROLE, LOGIN, OK, PARENT, areas, build_world

ROUTES = [row for area in areas() for row in area.ROWS]
pytestmark = pytest.mark.shared_world


@pytest.fixture(scope="module")
def school(app, shared_transaction):
    """The two campuses, their staff and every area's records, committed into the module's transaction."""
    with app.app_context():
        campuses = factories.make_campuses()
        users = factories.make_staff(campuses)
        merged = build_world(users, campuses)
        for record in (*campuses, *users.values()):
            db.session.refresh(record)  # loaded now: read after this session closes
        db.session.expunge_all()
        db.session.remove()
    return campuses, users, merged


@pytest.fixture
def campuses(school):
    return school[0]


@pytest.fixture
def users(school):
    return school[1]


@pytest.fixture
def world(school):
    return school[2]


def sign_in_parent(client, session_id: str) -> None:
    """Sign a parent account in by its session (the parent login form has tests of its own)."""
    with client.session_transaction() as session:
        session["_user_id"], session["_fresh"] = session_id, True


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


@pytest.mark.parametrize("role", EVERY_ROLE)
@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r.id)
def test_role_gets_expected_answer(app, client, login_as, world, route, role):
    if role == PARENT:
        sign_in_parent(client, world["parent_login"])
    elif role != "anonymous":
        login_as(role)
    headers = {"HX-Request": "true"} if route.partial else {}
    response = client.open(route.url(world), method=route.method, data=route.data, headers=headers)
    expected = route.expected(role)
    location = response.headers.get("Location", "") + response.headers.get("HX-Redirect", "")
    if expected == OK:
        assert response.status_code < 400 or response.status_code == 422, response.status_code
        assert "/login" not in location or route.endpoint.startswith(("auth.", "parent.log")), location
    elif expected == LOGIN:
        assert response.status_code == (401 if route.partial else 302) and "/login" in location
    else:
        assert response.status_code == expected
    if route.partial and response.status_code < 300:
        assert "<html" not in response.get_data(as_text=True), "an htmx partial must not be a whole page"
