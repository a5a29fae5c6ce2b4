"""The class, lesson and timetable screens over HTTP: forms, refusals with messages, scope and roles."""
from __future__ import annotations

import datetime as dt
import re

from sqlalchemy import func, select

from eduflow.extensions import db
from eduflow.models import ClassGroup, Lesson
from tests import factories
from tests.schedule.conftest import next_weekday

HTMX = {"HX-Request": "true"}


def lesson_count() -> int:
    return db.session.scalar(select(func.count(Lesson.id)))


def class_form(course, **changes) -> dict:
    today = dt.date.today()
    return {"name": "英语新班", "course_id": course.id, "head_teacher_id": "", "classroom_id": "",
            "start_date": today.isoformat(), "end_date": (today + dt.timedelta(weeks=10)).isoformat(),
            "capacity": "12", **changes}


def lesson_form(day: dt.date, teacher, room=None, **changes) -> dict:
    return {"lesson_date": day.isoformat(), "start_time": "09:00", "end_time": "10:30", "teacher_id": teacher.id,
            "classroom_id": room.id if room else "", "units": "1", "topic": "", **changes}


def test_a_manager_creates_a_class_on_their_campus(client, login_as, course, users, rooms, campuses):
    login_as("manager")
    response = client.post("/classes/new", data=class_form(course, head_teacher_id=users["teacher"].id,
                                                           classroom_id=rooms["a101"].id))
    assert response.status_code == 302
    group = db.session.scalar(select(ClassGroup))
    assert (group.name, group.campus_id, group.head_teacher_id) == ("英语新班", campuses[0].id, users["teacher"].id)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "英语新班" in page and "0 / 12" in page


def test_a_manager_cannot_pick_another_campus_teacher(client, login_as, course, users):
    login_as("manager")
    response = client.post("/classes/new", data=class_form(course, head_teacher_id=users["teacher_b"].id))
    assert response.status_code == 422
    assert db.session.scalar(select(func.count(ClassGroup.id))) == 0


def test_an_admin_picks_the_campus_and_a_teacher_of_it(client, login_as, course, users, campuses):
    login_as("admin")
    mismatch = class_form(course, campus_id=campuses[1].id, head_teacher_id=users["teacher"].id)
    response = client.post("/classes/new", data=mismatch)
    assert response.status_code == 422 and "班主任必须是本校区在职的教师" in response.get_data(as_text=True)
    ok = class_form(course, campus_id=campuses[1].id, head_teacher_id=users["teacher_b"].id)
    assert client.post("/classes/new", data=ok).status_code == 302
    assert db.session.scalar(select(ClassGroup.campus_id)) == campuses[1].id


def test_end_date_before_start_is_a_form_error(client, login_as, course):
    login_as("academic")
    response = client.post("/classes/new", data=class_form(course, end_date="2000-01-01"))
    assert response.status_code == 422 and "结课日期不能早于开课日期" in response.get_data(as_text=True)


def test_lowering_capacity_below_the_head_count_is_refused(client, login_as, make_class, users, campuses):
    group = make_class(capacity=3)
    for i in range(2):
        factories.enroll(factories.make_student(campuses[0], name=f"学员{i}"), group.course, by=users["academic"],
                         group=group, lessons=5, fee="1")
    db.session.commit()
    login_as("manager")
    data = class_form(group.course, name=group.name, capacity="1")
    response = client.post(f"/classes/{group.id}/edit", data=data)
    assert response.status_code == 422 and "不能低于 2" in response.get_data(as_text=True)
    db.session.refresh(group)
    assert group.capacity == 3


def test_teachers_and_sales_cannot_create_classes(client, login_as):
    for role in ("teacher", "sales"):
        login_as(role)
        assert client.get("/classes/new").status_code == 403


def test_a_teacher_lists_only_their_own_classes(client, login_as, make_class, teacher2):
    make_class("我的班")
    make_class("别人的班", teacher=None, room="a102")
    login_as("teacher")
    page = client.get("/classes").get_data(as_text=True)
    assert "我的班" in page and "别人的班" not in page


def test_another_campus_class_is_not_found(client, login_as, make_class):
    group = make_class("二校班", campus=1, teacher="teacher_b", room="b201")
    login_as("manager")
    assert client.get(f"/classes/{group.id}").status_code == 404
    assert client.get(f"/classes/{group.id}/edit").status_code == 404
    assert client.post(f"/classes/{group.id}/lessons/new", data={}).status_code == 404


def test_a_lesson_is_created_and_listed_on_the_class_page(client, login_as, make_class, users, rooms):
    group = make_class()
    login_as("academic")
    day = next_weekday(2)
    response = client.post(f"/classes/{group.id}/lessons/new",
                           data=lesson_form(day, users["teacher"], rooms["a101"], topic="Unit 1"))
    assert response.status_code == 302
    page = client.get(f"/classes/{group.id}").get_data(as_text=True)
    assert day.isoformat() in page and "Unit 1" in page


def test_a_clash_names_the_other_lesson_and_creates_nothing(client, login_as, make_class, make_lesson, users, rooms):
    busy = make_class("数学班", room="a102")
    group = make_class()
    day = next_weekday(3)
    make_lesson(busy, day, "09:30", "11:00")
    login_as("manager")
    response = client.post(f"/classes/{group.id}/lessons/new", data=lesson_form(day, users["teacher"], rooms["a101"]))
    text = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "数学班" in text and day.isoformat() in text and "09:30" in text and "Teacher" in text
    alert = re.search(r'data-testid="form-error">(.*?)</div>', text, re.S).group(1)
    assert alert.count("数学班") == 1 and 'data-testid="clash-list"' not in text
    assert lesson_count() == 1


def test_a_weekly_pattern_creates_all_its_lessons(client, login_as, make_class, users, rooms):
    group = make_class()
    monday = next_weekday(0)
    login_as("manager")
    data = {"weekdays": ["1", "3"], "first_day": monday.isoformat(),
            "last_day": (monday + dt.timedelta(days=20)).isoformat(), "start_time": "18:00", "end_time": "19:30",
            "teacher_id": users["teacher"].id, "classroom_id": rooms["a101"].id, "units": "1", "topic": ""}
    response = client.post(f"/classes/{group.id}/lessons/pattern", data=data)
    assert response.status_code == 302
    assert lesson_count() == 6


def test_a_pattern_with_clashes_lists_them_and_creates_none(client, login_as, make_class, make_lesson, users, rooms):
    other, group = make_class("数学班", room="a102"), make_class()
    monday = next_weekday(0)
    for week in (1, 2):
        make_lesson(other, monday + dt.timedelta(weeks=week), "18:30", "19:00")
    login_as("manager")
    data = {"weekdays": ["0"], "first_day": monday.isoformat(),
            "last_day": (monday + dt.timedelta(weeks=3)).isoformat(), "start_time": "18:00", "end_time": "19:30",
            "teacher_id": users["teacher"].id, "classroom_id": rooms["a101"].id, "units": "1"}
    response = client.post(f"/classes/{group.id}/lessons/pattern", data=data)
    text = response.get_data(as_text=True)
    assert response.status_code == 422 and 'data-testid="clash-list"' in text
    alert = re.search(r'data-testid="form-error">(.*?)</div>', text, re.S).group(1)
    assert alert.count("数学班") == 2  # each clash once: not the first again beside the list
    assert [alert.count((monday + dt.timedelta(weeks=week)).isoformat()) for week in (1, 2)] == [1, 1]
    assert lesson_count() == 2


def test_a_pattern_needs_a_weekday(client, login_as, make_class, users):
    group = make_class()
    login_as("manager")
    data = {"first_day": "2030-01-01", "last_day": "2030-02-01", "start_time": "18:00", "end_time": "19:30",
            "teacher_id": users["teacher"].id, "units": "1"}
    response = client.post(f"/classes/{group.id}/lessons/pattern", data=data)
    assert response.status_code == 422 and "请至少选择一个星期几" in response.get_data(as_text=True)


def test_moving_a_lesson_onto_a_busy_teacher_is_refused(client, login_as, make_class, make_lesson, users, rooms):
    group, other = make_class(), make_class("数学班", room="a102")
    day = next_weekday(1)
    lesson = make_lesson(group, day, "09:00", "10:00")
    make_lesson(other, day, "14:00", "15:00")
    login_as("manager")
    busy = lesson_form(day, users["teacher"], rooms["a101"], start_time="14:30", end_time="15:30")
    response = client.post(f"/lessons/{lesson.id}/edit", data=busy)
    assert response.status_code == 422 and "数学班" in response.get_data(as_text=True)
    free = lesson_form(day, users["teacher"], rooms["a101"], start_time="15:00", end_time="16:00")
    assert client.post(f"/lessons/{lesson.id}/edit", data=free).status_code == 302
    db.session.refresh(lesson)
    assert lesson.start_time == dt.time(15)


def test_deleting_a_lesson_with_attendance_is_refused_in_its_row(client, login_as, make_class, make_lesson, campuses):
    group = make_class()
    marked, free = make_lesson(group, next_weekday(0)), make_lesson(group, next_weekday(1))
    factories.make_mark(marked, factories.make_student(campuses[0], name="小明"))
    db.session.commit()
    login_as("academic")
    refused = client.post(f"/lessons/{marked.id}/delete", headers=HTMX)
    text = refused.get_data(as_text=True)
    assert refused.status_code == 422 and "已有考勤记录" in text and "<html" not in text
    done = client.post(f"/lessons/{free.id}/delete", headers=HTMX)
    assert done.status_code == 200 and done.get_data(as_text=True) == ""
    assert lesson_count() == 1


def test_the_timetable_shows_the_week_lessons(client, login_as, make_class, make_lesson):
    group = make_class("英语周课班")
    monday = next_weekday(0)
    lesson = make_lesson(group, monday + dt.timedelta(days=2), "16:00", "17:30")
    make_lesson(group, monday + dt.timedelta(days=9))
    login_as("manager")
    page = client.get(f"/timetable?week={monday.isoformat()}").get_data(as_text=True)
    assert f'data-testid="lesson-{lesson.id}"' in page and page.count('data-testid="lesson-') == 1
    fragment = client.get(f"/timetable?week={monday.isoformat()}&view=classroom", headers=HTMX)
    assert "<html" not in fragment.get_data(as_text=True) and "英语周课班" in fragment.get_data(as_text=True)


def test_a_teacher_sees_only_their_own_lessons(client, login_as, make_class, make_lesson, teacher2):
    mine, theirs = make_class("我的班"), make_class("别人的班", teacher="teacher", room="a102")
    theirs.head_teacher_id = teacher2.id
    db.session.commit()
    monday = next_weekday(0)
    make_lesson(mine, monday)
    make_lesson(theirs, monday, "11:00", "12:00", teacher=teacher2)
    login_as("teacher")
    page = client.get(f"/timetable?week={monday.isoformat()}&view=campus").get_data(as_text=True)
    assert "我的班" in page and "别人的班" not in page
    assert client.get(f"/timetable?view=teacher&id={teacher2.id}").status_code == 404


def test_a_bad_week_falls_back_to_this_week_with_a_message(client, login_as):
    login_as("sales")
    response = client.get("/timetable?week=2024-13-45&view=nonsense")
    text = response.get_data(as_text=True)
    assert response.status_code == 200 and "日期格式不正确" in text and "没有这种课表视图" in text


def test_sales_see_only_their_own_students_in_a_roster(client, login_as, make_class, users, campuses):
    group = make_class()
    for owner, name in (("sales", "自己的学员"), ("sales2", "同事的学员")):
        student = factories.make_student(campuses[0], name=name, owner=users[owner])
        factories.enroll(student, group.course, by=users[owner], group=group, lessons=5, fee="1")
    db.session.commit()
    login_as("sales")
    page = client.get(f"/classes/{group.id}").get_data(as_text=True)
    assert "自己的学员" in page and "同事的学员" not in page and "2 / 12" in page
