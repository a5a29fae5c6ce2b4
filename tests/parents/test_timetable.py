"""课表: four weeks of the children's lessons, each with the child's status; filtered by child; scoped."""
from __future__ import annotations

import datetime as dt

from eduflow.parents import timetable
from tests.parents.timetable_world import build_week


def _keys(found):
    return {(entry.lesson.id, entry.student.name) for entry in found}


def test_the_window_is_today_and_the_next_four_weeks(app, family, users, campuses):
    week = build_week(family, users, campuses)
    first, last = timetable.window(week.today)
    assert (first, last) == (week.today, week.today + dt.timedelta(days=27))
    found = timetable.entries(timetable.children(family.account), first, last, family.account)
    keys = _keys(found)
    assert (week.tomorrow.id, "王小明") in keys and (week.in_four_weeks.id, "王小明") in keys
    assert (week.after_window.id, "王小明") not in keys and (week.yesterday.id, "王小明") not in keys
    assert [entry.starts for entry in found] == sorted(entry.starts for entry in found)


def test_a_makeup_lesson_of_another_class_is_included_and_marked(app, family, users, campuses):
    week = build_week(family, users, campuses)
    found = {entry.lesson.id: entry for entry in timetable.entries([family.first], *timetable.window(),
                                                                   family.account)}
    assert found[week.makeup.id].makeup and found[week.makeup.id].status is None
    assert not found[week.tomorrow.id].makeup


def test_leave_asked_and_leave_marked_both_show_as_leave(app, family, users, campuses):
    week = build_week(family, users, campuses)
    first = week.today - dt.timedelta(days=1)
    found = {entry.lesson.id: entry for entry in timetable.entries([family.first], first, week.today + dt.timedelta(5),
                                                                   family.account)}
    asked, marked = found[week.tomorrow.id], found[week.yesterday.id]
    assert asked.status == timetable.LEAVE and asked.leave_request.reason == "发烧" and not asked.expected
    assert marked.status == timetable.LEAVE and marked.mark is not None
    assert str(asked.status_label) == "请假"


def test_a_withdrawn_leave_request_no_longer_counts(app, family, users, campuses):
    from eduflow.extensions import db
    from eduflow.models import utcnow

    week = build_week(family, users, campuses)
    found = timetable.entries([family.first], *timetable.window(), family.account)
    leave = next(entry.leave_request for entry in found if entry.lesson.id == week.tomorrow.id)
    leave.withdrawn_at = utcnow()
    db.session.commit()
    again = next(entry for entry in timetable.entries([family.first], *timetable.window(), family.account)
                 if entry.lesson.id == week.tomorrow.id)
    assert again.status is None and again.expected


def test_lessons_after_the_child_went_on_suspension_are_marked_suspended(app, family, users, campuses):
    week = build_week(family, users, campuses)
    found = {entry.lesson.id: entry for entry in timetable.entries([family.second], *timetable.window(),
                                                                   family.account)}
    assert found[week.suspended.id].status == timetable.SUSPENDED and not found[week.suspended.id].expected
    assert found[week.art_soon.id].status is None


def test_another_familys_child_is_never_in_the_parents_timetable(app, family, users, campuses):
    build_week(family, users, campuses)
    names = {entry.student.name for entry in timetable.entries(timetable.children(family.account),
                                                                *timetable.window(), family.account)}
    assert names == {"王小明", "王小红"}
    assert timetable.children(family.account, family.other.id) == []


def test_the_page_groups_days_and_filters_by_child(client, family, users, campuses, parent_login):
    week = build_week(family, users, campuses)
    parent_login()
    page = client.get("/p/timetable").get_data(as_text=True)
    assert f'data-testid="day-{week.tomorrow.lesson_date.isoformat()}"' in page
    assert "明天" in page and "王小红" in page and "补课" in page and "请假" in page and "休学" in page
    assert "英语一班" in page and "A101" in page and "Teacher" in page
    only = client.get(f"/p/timetable?child={family.first.id}").get_data(as_text=True)
    assert "王小明" in only and "美术一班" not in only


def test_a_foreign_or_malformed_child_answers_404(client, family, users, campuses, parent_login):
    build_week(family, users, campuses)
    parent_login()
    assert client.get(f"/p/timetable?child={family.other.id}").status_code == 404
    assert client.get("/p/timetable?child=abc").status_code == 404
    assert client.get("/p/timetable?child=99999999").status_code == 404
    assert client.get("/p/timetable?child=²").status_code == 404  # a digit to str.isdigit, not to int()
    assert client.get("/p/timetable?child=" + "9" * 40).status_code == 404


def test_the_timetable_reads_in_english(client, family, users, campuses, parent_login):
    build_week(family, users, campuses)
    parent_login()
    client.post("/language", data={"locale": "en"})
    page = client.get("/p/timetable").get_data(as_text=True)
    assert "Timetable" in page and "Tomorrow" in page and "Makeup" in page
