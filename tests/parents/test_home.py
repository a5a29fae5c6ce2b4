"""The parent's home page: each child, the next lesson, the hours left (low and owed shown), in few statements."""
from __future__ import annotations

import datetime as dt

from eduflow.enrollments.ledger import post_entry
from eduflow.extensions import db
from eduflow.models import LedgerKind, Settings
from tests import factories
from tests.parents.timetable_world import add_third_child, build_week
from tests.statements import counted


def _card(page: str, student) -> str:
    start = page.index(f'data-testid="child-{student.id}"')
    end = page.find("<section", start + 1)
    return page[start:end if end > 0 else None]


def test_each_child_shows_the_next_lesson_it_is_expected_at(client, family, users, campuses, parent_login):
    week = build_week(family, users, campuses)
    parent_login()
    page = client.get("/p/").get_data(as_text=True)
    first, second = _card(page, family.first), _card(page, family.second)
    # tomorrow's lesson has leave asked: the next one is the makeup in 英语二班 in three days
    assert "英语二班" in first and "14:00" in first and "补课" in first
    assert "美术一班" in second and "创意美术" in second and "一校区" in first and "二校区" in second
    assert f"/p/timetable?child={family.first.id}" in first
    assert week.art_soon.lesson_date.strftime("%m-%d") in second
    if "parent.hours_detail" in client.application.view_functions:  # 课时明细 (area C): each course links to it
        assert f'href="/p/hours/{week.enrolment.id}"' in first


def test_tomorrow_and_today_are_named(client, family, users, campuses, parent_login):
    week = build_week(family, users, campuses)
    factories.make_lesson(week.art, week.today + dt.timedelta(days=1), start=dt.time(23, 0), end=dt.time(23, 30))
    db.session.commit()
    parent_login()
    assert "明天" in _card(client.get("/p/").get_data(as_text=True), family.second)


def test_low_hours_use_the_campus_threshold_and_a_negative_balance_shows_as_owed(client, family, users, campuses,
                                                                                 parent_login):
    week = build_week(family, users, campuses)
    parent_login()
    page = client.get("/p/").get_data(as_text=True)
    assert 'data-testid="hours-low"' not in _card(page, family.first), "10 left, the school's threshold is 5"
    assert "课时不足" in _card(page, family.second), "3 left"
    db.session.add(Settings(campus_id=campuses[0].id, low_hours_threshold=12))
    post_entry(week.enrolment, LedgerKind.CORRECTION, -12, by=users["manager"], reason="测试")
    db.session.commit()
    first = _card(client.get("/p/").get_data(as_text=True), family.first)
    assert "欠 2 课时" in first and 'data-testid="hours-owed"' in first and "请续费" in first


def _statements(client, url: str) -> int:
    with counted() as statements:
        response = client.get(url)
        response.get_data()
    assert response.status_code == 200
    return len(statements)


def test_home_and_timetable_send_the_same_statements_for_more_children(client, family, users, campuses,
                                                                       parent_login):
    week = build_week(family, users, campuses)
    parent_login()
    before = {url: _statements(client, url) for url in ("/p/", "/p/timetable")}
    add_third_child(family, users, campuses, week)
    after = {url: _statements(client, url) for url in ("/p/", "/p/timetable")}
    assert "王小刚" in client.get("/p/timetable").get_data(as_text=True)
    assert after == before, (before, after)
    assert before["/p/"] <= 12 and before["/p/timetable"] <= 16, before  # the 请假 actions (helper D) add theirs
