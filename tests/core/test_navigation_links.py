"""Links derive from the views' own role_required: a link a role is shown opens for that role, and a page its role
may not open is not linked. The menu asks access.may_open; a list's links ask it through navigation.link_pattern
(the dashboard's 今日课程 linked every role to the attendance sheet, and a salesperson got 403)."""
from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from flask import url_for

from eduflow.access import may_open
from eduflow.navigation import NAV, link_pattern
from tests.matrix import STAFF

HREF = re.compile(r'<a\b[^>]*\bhref="(/[^"#]*)"')


@pytest.fixture
def todays_lesson(make_class, make_lesson):
    return make_lesson(make_class())


def _links(body: str) -> set[str]:
    """The page's own links (no static files), as paths with their query."""
    return {href.replace("&amp;", "&") for href in HREF.findall(body) if not urlsplit(href).path.startswith("/static")}


@pytest.mark.parametrize("role", STAFF)
def test_every_link_on_the_dashboard_opens_for_the_role_it_is_shown_to(client, login_as, todays_lesson, role):
    login_as(role)
    dashboard = client.get("/")
    assert dashboard.status_code == 200
    links = _links(dashboard.get_data(as_text=True))
    refused = {href: status for href in sorted(links) if (status := client.get(href).status_code) in (403, 404)}
    assert not refused, f"{role} is shown links that do not open: {refused}"


def test_a_salesperson_sees_todays_lessons_without_a_link_to_the_sheet(app, client, login_as, todays_lesson):
    with app.test_request_context():
        sheet = url_for("attendance.sheet", lesson_id=todays_lesson.id)
    login_as("sales")
    body = client.get("/").get_data(as_text=True)
    lessons = re.search(r'data-testid="todays-lessons">(.*?)</ul>', body, re.S).group(1)
    assert todays_lesson.class_group.name in lessons and sheet not in body
    assert client.get(sheet).status_code == 403


def test_staff_who_mark_attendance_get_the_link_to_the_sheet(app, client, login_as, todays_lesson):
    with app.test_request_context():
        sheet = url_for("attendance.sheet", lesson_id=todays_lesson.id)
    login_as("academic")
    assert f'href="{sheet}"' in client.get("/").get_data(as_text=True)
    assert client.get(sheet).status_code == 200


@pytest.mark.parametrize("role", STAFF)
def test_the_menu_shows_exactly_the_screens_the_role_may_open(client, login_as, users, role):
    login_as(role)
    shown = _links(client.get("/").get_data(as_text=True))
    for item in NAV:
        with client.application.test_request_context():
            path = url_for(item.endpoint)
        opens = client.get(path).status_code == 200
        assert (path in shown) == opens, f"{item.endpoint} for {role}: shown={path in shown}, opens={opens}"


def test_link_pattern_is_url_pattern_for_a_screen_the_user_may_open_and_none_otherwise(app, users):
    from flask_login import login_user

    with app.test_request_context():
        login_user(users["sales"])
        assert not may_open("attendance.sheet") and link_pattern("attendance.sheet", "lesson_id") is None
        assert link_pattern("leads.detail", "lead_id")(7) == url_for("leads.detail", lead_id=7)
