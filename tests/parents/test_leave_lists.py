"""Where staff read parents' leave requests: the dashboards' upcoming list (scoped: a teacher's own lessons, the
campus's for academic staff; withdrawn and past requests left out) and the student page's list."""
from __future__ import annotations

import datetime as dt

from eduflow.attendance.leave import ask_leave, withdraw_leave
from eduflow.attendance.leave_lists import sheet_notes, student_requests, upcoming_requests
from eduflow.extensions import db
from eduflow.i18n import school_today
from tests.parents.leave_support import at, lessons  # noqa: F401 - fixture


def _ask(family, lessons):
    leave = ask_leave(family.account, lessons.tomorrow, family.first, "看牙医",
                      now=at(lessons.tomorrow.lesson_date - dt.timedelta(days=1), 10))
    db.session.commit()
    return leave


def test_the_upcoming_list_is_scoped_and_names_who_asked(family, lessons, users):
    _ask(family, lessons)
    for who in ("teacher", "academic", "manager", "admin"):
        notes, total = upcoming_requests(users[who], school_today())
        assert total == 1 and notes[0].leave.reason == "看牙医" and notes[0].asked_by == "王妈妈（母亲）", who
    for who in ("teacher_b", "manager_b"):
        assert upcoming_requests(users[who], school_today()) == ([], 0), who
    assert upcoming_requests(users["teacher"], lessons.tomorrow.lesson_date + dt.timedelta(days=1)) == ([], 0)


def test_a_withdrawn_request_leaves_the_dashboard_and_the_sheet_but_stays_on_the_student_page(family, lessons,
                                                                                              users):
    leave = _ask(family, lessons)
    assert list(sheet_notes(lessons.tomorrow)) == [family.first.id]
    withdraw_leave(family.account, leave, now=at(lessons.tomorrow.lesson_date - dt.timedelta(days=1), 11))
    db.session.commit()
    assert upcoming_requests(users["academic"], school_today()) == ([], 0)
    assert sheet_notes(lessons.tomorrow) == {}
    [note] = student_requests(family.first, users["academic"])
    assert note.leave.withdrawn_at is not None
    assert student_requests(family.first, users["manager_b"]) == []
