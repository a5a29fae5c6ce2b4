"""The lead list pages by position: next, previous and last links walk every lead once in order, a bare
?page= near either end is served, one deep in the middle shows the first page and says why."""
from __future__ import annotations

import datetime as dt
import html
import re

from eduflow.extensions import db
from eduflow.models import utcnow
from eduflow.pagination import DEEP_WINDOW

NOW = utcnow()


def _names(page: str) -> list[str]:
    return re.findall(r'data-testid="lead-name">([^<]+)<', page)


def _link(page: str, testid: str) -> str | None:
    match = re.search(rf'<a class="page-link" href="([^"#][^"]*)" data-testid="{testid}"', page)
    return html.unescape(match.group(1)) if match else None


def _leads(make_lead, count: int):
    """Leads 线索000… with a next follow-up an hour apart; every third without one (they come last)."""
    for i in range(count):
        make_lead(name=f"线索{i:03d}", next_followup_at=None if i % 3 == 0 else NOW + dt.timedelta(hours=i))
    expected = [f"线索{i:03d}" for i in range(count) if i % 3]
    return expected + [f"线索{i:03d}" for i in range(count) if i % 3 == 0]


def test_next_and_previous_walk_every_lead_once_in_order(client, login_as, make_lead, app):
    expected = _leads(make_lead, app.config["PAGE_SIZE"] * 2 + 7)
    login_as("sales")
    seen, url, pages = [], "/leads", []
    while url:
        page = client.get(url).get_data(as_text=True)
        pages.append(page)
        seen += _names(page)
        url = _link(page, "page-next")
    assert seen == expected and len(pages) == 3
    assert "3 / 3" in pages[-1]
    back = client.get(_link(pages[-1], "page-prev")).get_data(as_text=True)
    assert _names(back) == _names(pages[1]) and "2 / 3" in back


def test_the_last_page_link_opens_the_list_from_its_end(client, login_as, make_lead, app):
    expected = _leads(make_lead, app.config["PAGE_SIZE"] * 2 + 7)
    login_as("sales")
    last = client.get(_link(client.get("/leads").get_data(as_text=True), "page-last")).get_data(as_text=True)
    assert _names(last) == expected[app.config["PAGE_SIZE"] * 2:] and "3 / 3" in last
    assert _link(last, "page-next") is None


def test_a_numbered_page_near_an_end_is_served_and_one_in_the_middle_says_why(client, login_as, make_lead, app,
                                                                              monkeypatch):
    size = app.config["PAGE_SIZE"]
    expected = _leads(make_lead, size * 5)
    login_as("sales")
    assert _names(client.get("/leads?page=2").get_data(as_text=True)) == expected[size:size * 2]
    assert _names(client.get("/leads?page=99").get_data(as_text=True)) == expected[size * 4:]  # beyond: the last
    monkeypatch.setattr("eduflow.pagination.DEEP_WINDOW", size)  # pages 3 lies more than a page from both ends
    middle = client.get("/leads?page=3")
    body = middle.get_data(as_text=True)
    assert middle.status_code == 200 and 'data-testid="page-too-deep"' in body
    assert _names(body) == expected[:size] and "1 / 5" in body
    assert DEEP_WINDOW >= 1000


def test_a_tampered_cursor_shows_the_first_page(client, login_as, make_lead):
    expected = _leads(make_lead, 4)
    login_as("sales")
    for bad in ("nonsense", "WzAsIngiXQ", "W10", "WzksMV0", "x" * 700):
        response = client.get(f"/leads?after={bad}&page=2")
        assert response.status_code == 200 and _names(response.get_data(as_text=True)) == expected, bad


def test_other_sorts_page_by_position_too(client, login_as, make_lead, app):
    size = app.config["PAGE_SIZE"]
    for i in range(size + 3):
        make_lead(name=f"线索{i:03d}", last_followup_at=None if i % 4 == 0 else NOW - dt.timedelta(hours=i))
    db.session.commit()
    login_as("sales")
    for sort in ("newest", "name", "last_followup"):
        first = client.get(f"/leads?sort={sort}").get_data(as_text=True)
        second = client.get(_link(first, "page-next")).get_data(as_text=True)
        names = _names(first) + _names(second)
        assert sorted(names) == sorted(f"线索{i:03d}" for i in range(size + 3)), sort
        assert len(set(names)) == len(names), sort
