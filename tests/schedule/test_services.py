"""Class and lesson rules without HTTP: clashes, weekly patterns, moves, deletion and class capacity."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from eduflow.enrollments.creation import head_counts
from eduflow.domain import DomainError
from eduflow.extensions import db
from eduflow.models import Lesson
from eduflow.schedule.services import (
    ClashError, ClassDetails, LessonPlan, Slot, check_clashes, create_lesson, create_pattern, delete_lesson,
    move_lesson, pattern_dates, school_today, update_class,
)
from tests import factories
from tests.schedule.conftest import next_weekday

T = dt.time.fromisoformat


def plan(teacher, room=None, start="09:00", end="10:30", **extra) -> LessonPlan:
    return LessonPlan(T(start), T(end), teacher, room, **extra)


def lesson_count() -> int:
    return db.session.scalar(select(func.count(Lesson.id)))


def test_a_teacher_cannot_teach_two_overlapping_lessons(make_class, make_lesson, users, rooms):
    first, second = make_class("英语一班"), make_class("英语二班", room="a102")
    monday = next_weekday(0)
    make_lesson(first, monday, "09:00", "10:30")
    with pytest.raises(ClashError) as refused:
        create_lesson(second, monday, plan(users["teacher"], rooms["a102"], "10:00", "11:00"))
    message = str(refused.value)
    assert "英语一班" in message and monday.isoformat() in message and "09:00" in message and "Teacher" in message
    assert refused.value.clashes[0].teacher and not refused.value.clashes[0].classroom


def test_a_classroom_cannot_hold_two_overlapping_lessons(make_class, make_lesson, teacher2, rooms):
    first, second = make_class("英语一班"), make_class("英语二班", teacher=None)
    monday = next_weekday(0)
    make_lesson(first, monday, "09:00", "10:30")
    with pytest.raises(ClashError) as refused:
        create_lesson(second, monday, plan(teacher2, rooms["a101"], "08:30", "09:15"))
    assert "A101" in str(refused.value) and "英语一班" in str(refused.value)
    assert refused.value.clashes[0].classroom and not refused.value.clashes[0].teacher


def test_lessons_that_only_touch_do_not_clash(make_class, make_lesson, users, rooms):
    first, second = make_class("英语一班"), make_class("英语二班")
    monday = next_weekday(0)
    make_lesson(first, monday, "09:00", "10:30")
    lesson = create_lesson(second, monday, plan(users["teacher"], rooms["a101"], "10:30", "12:00"))
    assert lesson.id and lesson_count() == 2


def test_the_same_time_on_another_day_or_with_other_people_is_free(make_class, make_lesson, teacher2, rooms):
    first, second = make_class("英语一班"), make_class("英语二班", teacher=None, room="a102")
    monday = next_weekday(0)
    make_lesson(first, monday, "09:00", "10:30")
    create_lesson(second, monday, plan(teacher2, rooms["a102"]))
    create_lesson(first, monday + dt.timedelta(days=1), plan(first.head_teacher, rooms["a101"]))
    assert lesson_count() == 3


def test_a_class_cannot_have_two_overlapping_lessons(make_class, make_lesson, teacher2, rooms):
    first = make_class("英语一班")
    monday = next_weekday(0)
    make_lesson(first, monday, "09:00", "10:30")
    with pytest.raises(ClashError) as refused:
        create_lesson(first, monday, plan(teacher2, rooms["a102"], "10:00", "11:00"))
    assert refused.value.clashes[0].same_class


def test_check_clashes_lists_every_conflict(make_class, make_lesson, users, rooms):
    first = make_class("英语一班")
    monday = next_weekday(0)
    make_lesson(first, monday)
    make_lesson(first, monday + dt.timedelta(days=7))
    slots = [Slot(first.id + 1000, day, T("09:30"), T("10:00"), users["teacher"].id, None)
             for day in (monday, monday + dt.timedelta(days=7), monday + dt.timedelta(days=1))]
    clashes = check_clashes(slots)
    assert [clash.slot.lesson_date for clash in clashes] == [monday, monday + dt.timedelta(days=7)]


def test_pattern_dates_fall_on_the_chosen_weekdays():
    monday = dt.date(2030, 1, 7)
    dates = pattern_dates({0, 3}, monday, monday + dt.timedelta(days=13))
    assert dates == [monday, monday + dt.timedelta(3), monday + dt.timedelta(7), monday + dt.timedelta(10)]


def test_a_pattern_creates_every_lesson(make_class, users, rooms):
    group = make_class()
    monday = next_weekday(0)
    lessons = create_pattern(group, {0, 2}, monday, monday + dt.timedelta(weeks=4) - dt.timedelta(days=1),
                             plan(users["teacher"], rooms["a101"], "18:00", "19:30", units=2, topic="Unit 1"))
    assert len(lessons) == 8 and lesson_count() == 8
    assert {lesson.lesson_date.weekday() for lesson in lessons} == {0, 2}
    assert all(lesson.units == 2 and lesson.start_time == T("18:00") for lesson in lessons)


def test_a_pattern_with_one_clash_creates_nothing(make_class, make_lesson, users, rooms):
    other, group = make_class("数学班", room="a102"), make_class("英语一班")
    monday = next_weekday(0)
    blocking = make_lesson(other, monday + dt.timedelta(weeks=2), "18:30", "20:00")
    with pytest.raises(ClashError) as refused:
        create_pattern(group, {0}, monday, monday + dt.timedelta(weeks=4), plan(users["teacher"], rooms["a101"],
                                                                                "18:00", "19:30"))
    assert [clash.lesson.id for clash in refused.value.clashes] == [blocking.id]
    assert "数学班" in str(refused.value)
    db.session.rollback()
    assert lesson_count() == 1


@pytest.mark.parametrize("weekdays, first, last, message", [
    (set(), 0, 7, "星期"), ({0}, 7, 0, "早于"), ({6}, 0, 5, "没有"), ({0, 1, 2, 3, 4, 5, 6}, 0, 300, "最多"),
])
def test_a_pattern_refuses_bad_ranges(make_class, users, weekdays, first, last, message):
    group = make_class()
    monday = next_weekday(0)
    with pytest.raises(DomainError, match=message):
        create_pattern(group, weekdays, monday + dt.timedelta(first), monday + dt.timedelta(last),
                       plan(users["teacher"]))
    assert lesson_count() == 0


def test_moving_a_lesson_does_not_clash_with_itself(make_class, make_lesson, users, rooms):
    group = make_class()
    monday = next_weekday(0)
    lesson = make_lesson(group, monday, "09:00", "10:30")
    move_lesson(lesson, monday, plan(users["teacher"], rooms["a101"], "09:30", "11:00"))
    db.session.commit()
    assert (lesson.start_time, lesson.end_time) == (T("09:30"), T("11:00"))


def test_moving_onto_another_lesson_is_refused_and_changes_nothing(make_class, make_lesson, users, rooms):
    group = make_class()
    monday = next_weekday(0)
    lesson = make_lesson(group, monday, "09:00", "10:30")
    make_lesson(make_class("英语二班", room="a102"), monday + dt.timedelta(days=1), "14:00", "15:00")
    with pytest.raises(ClashError, match="英语二班"):
        move_lesson(lesson, monday + dt.timedelta(days=1), plan(users["teacher"], rooms["a101"], "14:30", "16:00"))
    db.session.rollback()
    assert db.session.get(Lesson, lesson.id).lesson_date == monday


@pytest.mark.parametrize("change, message", [
    ({"start": "10:00", "end": "09:00"}, "晚于"),
    ({"day": 900}, "不合理"),
    ({"day": -400}, "不合理"),
])
def test_lesson_times_and_dates_must_make_sense(make_class, users, change, message):
    group = make_class()
    day = school_today() + dt.timedelta(days=change.get("day", 1))
    with pytest.raises(DomainError, match=message):
        create_lesson(group, day, plan(users["teacher"], None, change.get("start", "09:00"),
                                       change.get("end", "10:00")))


def test_a_lesson_needs_a_teacher_and_classroom_of_its_campus(make_class, users, rooms):
    group = make_class()
    day = next_weekday(1)
    with pytest.raises(DomainError, match="教师"):
        create_lesson(group, day, plan(users["teacher_b"]))
    with pytest.raises(DomainError, match="教室"):
        create_lesson(group, day, plan(users["teacher"], rooms["b201"]))
    with pytest.raises(DomainError, match="教师"):
        create_lesson(group, day, plan(users["sales"]))
    assert lesson_count() == 0


def test_a_lesson_with_attendance_or_trials_cannot_be_deleted(make_class, make_lesson, campuses, users):
    group = make_class()
    marked, trial, free = (make_lesson(group, next_weekday(n)) for n in (0, 1, 2))
    factories.make_mark(marked, factories.make_student(campuses[0], name="小明"))
    factories.make_trial(factories.make_lead(campuses[0], name="小红"), trial)
    db.session.commit()
    with pytest.raises(DomainError, match="考勤"):
        delete_lesson(marked)
    with pytest.raises(DomainError, match="试听"):
        delete_lesson(trial)
    delete_lesson(free)
    db.session.commit()
    assert lesson_count() == 2


def _details(group, **changes) -> ClassDetails:
    values = dict(name=group.name, course=group.course, campus=group.campus, head_teacher=group.head_teacher,
                  classroom=group.classroom, start_date=group.start_date, end_date=group.end_date,
                  capacity=group.capacity)
    return ClassDetails(**{**values, **changes})


def _enrol(group, users, campuses, n: int) -> None:
    for i in range(n):
        factories.enroll(factories.make_student(campuses[0], name=f"学员{i}"), group.course, by=users["academic"],
                         group=group, lessons=10, fee="1000")
    db.session.commit()


def test_capacity_cannot_drop_below_the_head_count(make_class, users, campuses):
    group = make_class(capacity=5)
    _enrol(group, users, campuses, 3)
    assert head_counts([group.id]) == {group.id: 3}
    with pytest.raises(DomainError, match="3"):
        update_class(group, _details(group, capacity=2))
    db.session.rollback()
    update_class(group, _details(group, capacity=3))
    db.session.commit()
    assert group.capacity == 3


def test_a_class_in_use_keeps_its_campus(make_class, make_lesson, campuses):
    group = make_class()
    make_lesson(group, next_weekday(0))
    with pytest.raises(DomainError, match="校区"):
        update_class(group, _details(group, campus=campuses[1], head_teacher=None, classroom=None))


def test_class_rules_refuse_a_foreign_head_teacher_and_reversed_dates(make_class, users):
    group = make_class()
    with pytest.raises(DomainError, match="班主任"):
        update_class(group, _details(group, head_teacher=users["teacher_b"]))
    with pytest.raises(DomainError, match="结课"):
        update_class(group, _details(group, end_date=group.start_date - dt.timedelta(days=1)))


def test_a_refused_pattern_names_each_clashing_lesson_once(make_class, make_lesson, users, rooms):
    other, group = make_class("数学班", room="a102"), make_class("英语一班")
    monday = next_weekday(0)
    weeks = [monday + dt.timedelta(weeks=n) for n in (1, 2)]
    for day in weeks:
        make_lesson(other, day, "18:30", "19:00")
    with pytest.raises(ClashError) as refused:
        create_pattern(group, {0}, monday, monday + dt.timedelta(weeks=3), plan(users["teacher"], rooms["a101"],
                                                                                "18:00", "19:30"))
    message = str(refused.value)
    assert len(refused.value.clashes) == 2 and "共 2 处冲突" in message
    assert [message.count(day.isoformat()) for day in weeks] == [1, 1]
    assert refused.value.headline in message and "数学班" not in refused.value.headline


def test_one_clash_is_said_once(make_class, make_lesson, users, rooms):
    busy, group = make_class("数学班", room="a102"), make_class()
    monday = next_weekday(0)
    make_lesson(busy, monday, "09:00", "10:30")
    with pytest.raises(ClashError) as refused:
        create_lesson(group, monday, plan(users["teacher"], rooms["a101"], "10:00", "11:00"))
    assert str(refused.value).count("数学班") == 1 and "共" not in str(refused.value)
