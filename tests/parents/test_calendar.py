"""日历订阅: the iCal feed at a secret, revocable URL, parsed back with icalendar."""
from __future__ import annotations

import datetime as dt
import json
from zoneinfo import ZoneInfo

from icalendar import Calendar
from sqlalchemy import select

from eduflow.extensions import db
from eduflow.models import AuditLog, Lesson, ParentAccount
from eduflow.schedule.services import delete_lesson
from tests import factories
from tests.parents.timetable_world import add_third_child, build_week


def _token(client) -> str:
    page = client.get("/p/calendar")
    assert page.status_code == 200
    account = db.session.scalar(select(ParentAccount).where(ParentAccount.phone_hash.is_not(None)))
    db.session.refresh(account)
    return account.calendar_token


def _events(app, token: str, expect: int = 200) -> dict:
    response = app.test_client().get(f"/p/calendar/{token}.ics")  # a phone's calendar: nobody signed in
    assert response.status_code == expect
    if expect != 200:
        return {}
    assert response.mimetype == "text/calendar" and "private" in response.headers["Cache-Control"]
    return {str(event["uid"]): event for event in Calendar.from_ical(response.data).walk("VEVENT")}


def _uid(lesson, student) -> str:
    return f"lesson-{lesson.id}-student-{student.id}@localhost"


def test_the_page_shows_the_webcal_and_https_addresses_and_audits_the_new_secret(client, family, parent_login):
    parent_login()
    page = client.get("/p/calendar").get_data(as_text=True)
    token = db.session.get(ParentAccount, family.account.id).calendar_token
    assert token and f"webcal://localhost/p/calendar/{token}.ics" in page
    assert f"http://localhost/p/calendar/{token}.ics" in page
    assert client.get("/p/calendar").status_code == 200
    assert db.session.get(ParentAccount, family.account.id).calendar_token == token, "made once, then kept"
    entries = list(db.session.scalars(select(AuditLog).where(AuditLog.entity == "parent_accounts")))
    assert [e.action for e in entries if e.action.startswith("parent_calendar")] == ["parent_calendar_created"]
    assert not any(token in json.dumps(e.changes or {}) for e in entries), "the secret never lands in the log"


def test_the_feed_holds_each_childs_lessons_in_the_schools_time_zone(app, client, family, users, campuses,
                                                                      parent_login):
    week = build_week(family, users, campuses)
    parent_login()
    events = _events(app, _token(client))
    tomorrow = events[_uid(week.tomorrow, family.first)]
    zone = ZoneInfo(app.config["BABEL_DEFAULT_TIMEZONE"])
    start = tomorrow.decoded("dtstart")
    assert start == dt.datetime.combine(week.tomorrow.lesson_date, dt.time(9), tzinfo=zone)
    assert tomorrow.decoded("dtend") - start == dt.timedelta(hours=1)
    assert str(tomorrow["summary"]).startswith("王小明 · 少儿英语") and "请假" in str(tomorrow["summary"])
    assert str(tomorrow["location"]) == "一校区 A101" and "Teacher" in str(tomorrow["description"])
    assert _uid(week.makeup, family.first) in events and _uid(week.yesterday, family.first) in events
    assert _uid(week.art_soon, family.second) in events
    assert _uid(week.suspended, family.second) not in events, "休学: not expected, not in the calendar"
    assert not any("李小华" in str(event["summary"]) for event in events.values())


def test_the_feed_runs_from_four_weeks_back_to_twelve_weeks_ahead(app, client, family, users, campuses,
                                                                  parent_login):
    week = build_week(family, users, campuses)
    back = factories.make_lesson(week.english, week.today - dt.timedelta(weeks=4))
    too_old = factories.make_lesson(week.english, week.today - dt.timedelta(weeks=4, days=1))
    ahead = factories.make_lesson(week.english, week.today + dt.timedelta(weeks=12))
    too_far = factories.make_lesson(week.english, week.today + dt.timedelta(weeks=12, days=1))
    db.session.commit()
    parent_login()
    events = _events(app, _token(client))
    assert _uid(back, family.first) not in events, "before 王小明 enrolled (two weeks ago)"
    assert _uid(ahead, family.first) in events and _uid(too_far, family.first) not in events
    assert _uid(too_old, family.first) not in events


def test_a_moved_lesson_keeps_its_uid_and_a_deleted_one_is_gone(app, client, family, users, campuses,
                                                                parent_login):
    week = build_week(family, users, campuses)
    extra = factories.make_lesson(week.english, week.today + dt.timedelta(days=5), teacher=users["teacher"])
    db.session.commit()
    parent_login()
    token = _token(client)
    before = _events(app, token)[_uid(week.in_four_weeks, family.first)]
    lesson = db.session.get(Lesson, week.in_four_weeks.id)
    lesson.lesson_date, lesson.start_time, lesson.end_time = lesson.lesson_date + dt.timedelta(days=1), \
        dt.time(15), dt.time(16)
    db.session.commit()
    delete_lesson(db.session.get(Lesson, extra.id))
    db.session.commit()
    events = _events(app, token)
    moved = events[_uid(week.in_four_weeks, family.first)]
    assert moved.decoded("dtstart").time() == dt.time(15)
    assert moved.decoded("dtstart").date() == before.decoded("dtstart").date() + dt.timedelta(days=1)
    assert moved.decoded("sequence") >= before.decoded("sequence")
    assert _uid(extra, family.first) not in events


def test_resetting_the_address_makes_the_old_one_answer_404(app, client, family, users, campuses, parent_login):
    build_week(family, users, campuses)
    parent_login()
    old = _token(client)
    response = client.post("/p/calendar/reset", data={"csrf_token": "ignored-in-tests"})
    assert response.status_code == 302
    new = db.session.get(ParentAccount, family.account.id)
    db.session.refresh(new)
    assert new.calendar_token != old
    _events(app, old, expect=404)
    assert _events(app, new.calendar_token)
    assert db.session.scalar(select(AuditLog).where(AuditLog.action == "parent_calendar_reset")).parent_account_id \
        == family.account.id


def test_an_unknown_token_or_a_deactivated_account_answers_404(app, client, family, parent_login):
    parent_login()
    token = _token(client)
    _events(app, "not-a-real-token", expect=404)
    _events(app, "x" * 200, expect=404)
    _events(app, "%00" + "a" * 20, expect=404)
    _events(app, "汉字" * 10, expect=404)
    account = db.session.get(ParentAccount, family.account.id)
    account.is_active = False
    db.session.commit()
    _events(app, token, expect=404)


def test_the_feed_speaks_the_parents_language(app, client, family, users, campuses, parent_login):
    build_week(family, users, campuses)
    parent_login()
    token = _token(client)
    account = db.session.get(ParentAccount, family.account.id)
    account.locale = "en"
    db.session.commit()
    events = _events(app, token)
    assert any("On leave" in str(event["summary"]) for event in events.values())
    assert any("Teacher:" in str(event["description"]) for event in events.values())


def test_the_time_zone_comes_before_the_events_and_the_refresh_hint_is_a_duration(app, client, family, users,
                                                                                  campuses, parent_login):
    build_week(family, users, campuses)
    parent_login()
    text = app.test_client().get(f"/p/calendar/{_token(client)}.ics").get_data(as_text=True)
    assert "REFRESH-INTERVAL;VALUE=DURATION:PT6H" in text and "X-PUBLISHED-TTL:PT6H" in text
    assert text.index("BEGIN:VTIMEZONE") < text.index("BEGIN:VEVENT")
    assert "TZID:" + app.config["BABEL_DEFAULT_TIMEZONE"] in text


def test_a_child_whose_access_staff_revoked_leaves_the_feed(app, client, family, users, campuses, parent_login):
    from eduflow.models import Parent, utcnow

    week = build_week(family, users, campuses)
    parent_login()
    token = _token(client)
    assert _uid(week.art_soon, family.second) in _events(app, token)
    for row in db.session.scalars(select(Parent).where(Parent.student_id == family.second.id)):
        row.portal_revoked_at = utcnow()
    db.session.commit()
    events = _events(app, token)
    assert _uid(week.art_soon, family.second) not in events and _uid(week.tomorrow, family.first) in events


def test_the_feed_sends_the_same_statements_for_more_lessons_and_children(app, client, family, users, campuses,
                                                                          parent_login):
    from tests.statements import counted

    week = build_week(family, users, campuses)
    parent_login()
    token = _token(client)
    feed = app.test_client()

    def statements() -> int:
        with counted() as sent:
            assert feed.get(f"/p/calendar/{token}.ics").status_code == 200
        return len(sent)

    before = statements()
    add_third_child(family, users, campuses, week)
    assert statements() == before <= 8
