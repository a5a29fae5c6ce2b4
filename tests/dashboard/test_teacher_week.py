"""A teacher's dashboard is their week: lessons Monday to Sunday, the sheets not yet taken, the students on leave."""
from __future__ import annotations

import datetime as dt

import pytest
import pytz

from eduflow.dashboard.services import school_day
from eduflow.dashboard.week import teacher_week
from eduflow.extensions import db
from eduflow.i18n import school_today
from eduflow.models import AttendanceStatus, Role
from tests import factories

SHANGHAI = pytz.timezone("Asia/Shanghai")
MONDAY = dt.date(2030, 1, 7)
DAY = school_day(dt.datetime(2030, 1, 9, 2, 0), SHANGHAI)  # Wednesday 10:00 at school


def _on(monday_offset: int) -> dt.date:
    return MONDAY + dt.timedelta(days=monday_offset)


def _mark(lesson, student, status=AttendanceStatus.PRESENT):
    factories.make_mark(lesson, student, status)
    db.session.commit()


@pytest.fixture
def week(users, campuses, course, make_class, make_lesson, enroll, make_student):
    """The teacher's classes A (one student) and B (nobody enrolled), and a colleague's class C."""
    colleague = factories.make_user("teacher9", Role.TEACHER, campuses[0], display_name="王老师")
    db.session.commit()
    a, b = make_class("A班"), make_class("B班")
    c = factories.make_class(course, campuses[0], name="C班", head=colleague)
    db.session.commit()
    student = make_student("小明")
    enroll(student, a)
    lessons = {
        "mon": make_lesson(a, _on(0)), "mon_empty": make_lesson(b, _on(0), 14),
        "tue": make_lesson(a, _on(1)), "wed": make_lesson(a, _on(2)), "wed_later": make_lesson(a, _on(2), 11),
        "thu_substitute": make_lesson(c, _on(3), teacher="teacher"), "fri": make_lesson(a, _on(4)),
        "colleague": make_lesson(c, _on(2), teacher=colleague),
        "last_friday": make_lesson(a, _on(-3)), "locked": make_lesson(a, _on(-8)),
    }
    _mark(lessons["tue"], student)
    _mark(lessons["fri"], student, AttendanceStatus.LEAVE)
    return lessons, student


def test_the_week_lists_every_lesson_of_theirs_day_by_day(users, week):
    lessons, _student = week
    shown = teacher_week(users["teacher"], DAY)
    assert shown.monday == MONDAY and [day for day, _ in shown.days] == [_on(n) for n in range(7)]
    ids = {day: [item.lesson.id for item in items] for day, items in shown.days}
    assert ids[_on(0)] == [lessons["mon"].id, lessons["mon_empty"].id]
    assert ids[_on(2)] == [lessons["wed"].id, lessons["wed_later"].id]
    assert ids[_on(3)] == [lessons["thu_substitute"].id]  # a substitute's lesson is theirs
    assert ids[_on(5)] == ids[_on(6)] == []
    assert lessons["colleague"].id not in sum(ids.values(), []) and shown.lessons == 7
    flags = {item.lesson.id: (item.due, item.marks, item.leaves) for _day, items in shown.days for item in items}
    assert flags[lessons["mon"].id] == (True, 0, 0)
    assert flags[lessons["mon_empty"].id] == (False, 0, 0)  # nobody to mark
    assert flags[lessons["tue"].id] == (False, 1, 0)
    assert flags[lessons["wed"].id][0] and not flags[lessons["wed_later"].id][0]  # begun at 9, not yet at 11
    assert flags[lessons["fri"].id] == (False, 1, 1)


def test_sheets_not_yet_taken_are_the_begun_unmarked_ones_within_the_lock_oldest_first(users, week):
    lessons, _student = week
    untaken = teacher_week(users["teacher"], DAY).untaken
    assert [lesson.id for lesson in untaken.items] == [lessons[k].id for k in ("last_friday", "mon", "wed")]
    assert untaken.total == 3  # 8 days ago is past the 7-day lock: a manager's 补录, not a teacher's to-do


def test_students_on_leave_this_week_are_listed_with_their_makeup(users, week):
    lessons, student = week
    leaves = teacher_week(users["teacher"], DAY).leaves
    assert leaves.total == 1
    [(mark, makeup)] = leaves.items
    assert (mark.student.name, mark.lesson.id, makeup) == ("小明", lessons["fri"].id, None)
    assert teacher_week(users["teacher_b"], DAY).leaves.total == 0


def test_a_teachers_dashboard_shows_their_week_with_links_to_the_sheets(client, login_as, users, make_class,
                                                                        make_lesson, enroll, make_student):
    group = make_class("周课班")
    enroll(make_student("小红"), group)
    missed = make_lesson(group, school_today() - dt.timedelta(days=1))
    login_as("teacher")
    body = client.get("/").get_data(as_text=True)
    assert 'data-testid="teacher-week"' in body and 'data-testid="week-lessons"' in body
    assert f'href="/lessons/{missed.id}/attendance"' in body and f'data-lesson-id="{missed.id}"' in body
    assert 'data-testid="untaken-sheets-total">1<' in body and "本周请假" in body
    assert 'data-testid="worklists"' not in body


def test_the_week_speaks_english(client, login_as, users):
    users["teacher"].locale = "en"
    db.session.commit()
    login_as("teacher")
    body = client.get("/").get_data(as_text=True)
    assert "Attendance to take" in body and "On leave this week" in body and "待考勤" not in body


def test_other_roles_keep_todays_lessons(client, login_as):
    login_as("academic")
    body = client.get("/").get_data(as_text=True)
    assert "今日课程" in body and 'data-testid="teacher-week"' not in body
