"""One pagination rule: odd ?page= values never error and never reach SQL OFFSET unbounded."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from eduflow.extensions import db
from eduflow.models import Campus
from eduflow.pagination import MAX_PAGE, paginate, requested_page


@pytest.fixture
def five_campuses():
    db.session.add_all(Campus(name=f"分页校区{n}") for n in range(5))
    db.session.commit()


def _page(app, page: str, per_page: int = 2):
    with app.test_request_context(f"/?page={page}&q=x"):
        result = paginate(select(Campus).order_by(Campus.name), per_page=per_page)
        return result.page, [c.name for c in result.items], result.args


@pytest.mark.parametrize("raw, expected", [
    ("3", 3), ("", 1), ("abc", 1), ("-4", 1), ("0", 1), ("2.5", 1), ("١٢", 1), ("0005", 5),
    (str(2**63), MAX_PAGE), ("9" * 5000, MAX_PAGE),
])
def test_the_requested_page_is_always_a_sane_number(app, raw, expected):
    with app.test_request_context("/", query_string={"page": raw}):
        assert requested_page() == expected


def test_a_page_beyond_the_last_shows_the_last_page(app, five_campuses):
    assert _page(app, "2") == (2, ["分页校区2", "分页校区3"], {"q": "x"})
    for beyond in ("4", "99", str(10**30)):
        assert _page(app, beyond)[:2] == (3, ["分页校区4"])


def test_an_empty_list_is_its_first_page(app):
    assert _page(app, "7")[:2] == (1, [])


@pytest.mark.parametrize("page", ["0", "-1", "abc", str(2**31), str(2**63), str(10**30)])
def test_paged_lists_and_load_more_answer_any_page(client, login_as, page):
    login_as("admin")
    for url in ("/leads", "/students", "/enrollments", "/admin/users", "/admin/audit", "/classes"):
        assert client.get(url, query_string={"page": page}).status_code == 200, url
    column = client.get("/leads/board/column/new", query_string={"page": page}, headers={"HX-Request": "true"})
    assert column.status_code == 200
