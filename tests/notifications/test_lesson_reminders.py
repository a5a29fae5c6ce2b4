"""上课提醒: the evening before, from the campus's reminder time, each family of a student on tomorrow's lessons hears
when, where and with whom — once, whatever the number of sweeps; not the students on 休学 or on leave; a moved lesson
is reminded again for its new date; a sweep costs the same statements for one lesson or many."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from eduflow.extensions import db
from eduflow.i18n import school_today, to_utc
from eduflow.models import LeaveRequest, Lesson, Notification, NotificationKind as Kind, Settings, utcnow
from eduflow.notifications.command import register_tasks
from eduflow.notifications.reminders import sweep_reminders
from eduflow.schedule.services import LessonPlan, move_lesson
from tests import factories
from tests.statements import counted


def _at(day: dt.date, clock: str) -> dt.datetime:
    """A moment on the school's clock, as the sweep is given it (naive UTC)."""
    return to_utc(dt.datetime.combine(day, dt.time.fromisoformat(clock)))


def _reminders(account=None) -> list[Notification]:
    db.session.expire_all()
    query = select(Notification).where(Notification.kind == Kind.LESSON_REMINDER).order_by(Notification.id)
    if account is not None:
        query = query.where(Notification.parent_account_id == account.id)
    return list(db.session.scalars(query))


def _with_family(student, phone: str):
    factories.make_parent(student, name="家长", phone=phone)
    account = factories.make_parent_account(phone=phone)
    db.session.commit()
    return account


@pytest.fixture
def evening(family, users, make_class, make_lesson, enroll):
    """Today; tomorrow a 09:00 lesson in A101 of 英语一班 with 王小明 (王妈妈 on the portal)."""
    today = school_today()
    room = factories.make_room(family.first.campus, "A101")
    group = make_class(classroom=room)
    lesson = make_lesson(group, today + dt.timedelta(days=1), start=9, room=room)
    enroll(family.first, group)
    db.session.commit()
    return today, group, lesson


def test_the_sweep_reminds_only_once_the_campus_reminder_time_has_passed(family, evening):
    today, _group, lesson = evening
    assert sweep_reminders(_at(today, "18:55")) == 0 and _reminders() == []
    assert sweep_reminders(_at(today, "19:00")) == 1
    (message,) = _reminders(family.account)
    assert message.subject == "上课提醒：王小明"
    assert message.body == f"王小明 明天 {lesson.lesson_date.isoformat()} 09:00 英语一班 上课，教室 A101，老师 Teacher。"
    assert message.link == "/p/timetable" and message.student_id == family.first.id
    for clock in ("19:05", "21:30", "23:55"):  # every later sweep of the evening (or a second worker's)
        assert sweep_reminders(_at(today, clock)) == 0
    assert len(_reminders()) == 1


def test_the_reminder_reads_in_the_parents_language(family, evening):
    family.account.locale = "en"
    db.session.commit()
    today, _group, lesson = evening
    sweep_reminders(_at(today, "19:30"))
    (message,) = _reminders(family.account)
    assert message.subject == "Lesson reminder: 王小明"
    assert message.body == (f"王小明 has a lesson tomorrow, {lesson.lesson_date.isoformat()} 09:00 英语一班, "
                            "in A101 with Teacher.")


def test_each_campus_is_reminded_at_its_own_time(family, users, evening, make_class, make_lesson, enroll):
    today = evening[0]
    second = make_class(name="二校区班", campus=1, head="teacher_b")
    make_lesson(second, today + dt.timedelta(days=1), start=10, teacher="teacher_b", room=None)
    enroll(family.second, second)
    db.session.add(Settings(campus_id=family.second.campus_id, reminder_time=dt.time(20, 30)))
    db.session.commit()
    assert sweep_reminders(_at(today, "19:10")) == 1
    assert [m.student_id for m in _reminders()] == [family.first.id]
    assert sweep_reminders(_at(today, "20:30")) == 1
    last = _reminders()[-1]
    assert last.student_id == family.second.id and "教室 待定" in last.body and "老师 Teacher_B" in last.body


def test_students_on_leave_or_on_suspension_are_not_reminded(family, users, evening, enroll):
    today, group, lesson = evening
    asked = factories.make_student(group.campus, name="钱请假", owner=users["sales"])
    withdrew = factories.make_student(group.campus, name="孙撤回", owner=users["sales"])
    resting = factories.make_student(group.campus, name="赵休学", owner=users["sales"],
                                     suspended_from=today, returns_on=today + dt.timedelta(days=30))
    back = factories.make_student(group.campus, name="周复学", owner=users["sales"],
                                  suspended_from=today - dt.timedelta(days=30), returns_on=lesson.lesson_date)
    accounts = {student.name: _with_family(student, f"137000000{n}")
                for n, student in enumerate((asked, withdrew, resting, back))}
    for student in (asked, withdrew, resting, back):
        enroll(student, group)
    db.session.add_all([LeaveRequest(lesson_id=lesson.id, student_id=asked.id, reason="发烧"),
                        LeaveRequest(lesson_id=lesson.id, student_id=withdrew.id, withdrawn_at=utcnow())])
    db.session.commit()
    sweep_reminders(_at(today, "19:00"))
    reminded = {m.parent_account_id for m in _reminders()}
    assert reminded == {family.account.id, accounts["孙撤回"].id, accounts["周复学"].id}


def test_the_other_familys_child_in_another_class_hears_nothing(family, evening, make_class, make_lesson):
    factories.make_parent_account(phone="13987654321")  # 李爸爸 has an account, his child no lesson tomorrow
    db.session.commit()
    sweep_reminders(_at(evening[0], "19:00"))
    assert [m.parent_account_id for m in _reminders()] == [family.account.id]


def test_a_lesson_moved_to_another_day_is_reminded_again_for_its_new_date(family, users, evening):
    today, _group, lesson = evening
    sweep_reminders(_at(today, "19:00"))
    move_lesson(lesson, lesson.lesson_date + dt.timedelta(days=1),
                LessonPlan(dt.time(9), dt.time(10), users["teacher"], lesson.classroom))
    db.session.commit()
    assert sweep_reminders(_at(today + dt.timedelta(days=1), "19:00")) == 1
    new_date = db.session.get(Lesson, lesson.id).lesson_date.isoformat()
    assert [new_date in m.body for m in _reminders()] == [False, True]


def test_a_sweep_costs_the_same_statements_for_one_lesson_or_many(family, users, make_class, make_lesson, enroll):
    today, costs = school_today(), []
    for size, day in ((1, today), (6, today + dt.timedelta(days=3))):
        group = make_class(name=f"{size}节班")
        for n in range(size):
            make_lesson(group, day + dt.timedelta(days=1), start=8 + n)
        for n in range(3):
            student = factories.make_student(group.campus, name=f"学员{size}-{n}", owner=users["sales"])
            _with_family(student, f"1360000{size:02d}{n:02d}")
            enroll(student, group)
        db.session.commit()
        with counted() as statements:
            recorded = sweep_reminders(_at(day, "19:30"))
        assert recorded == 3 * size
        costs.append(len(statements))
    assert costs[0] == costs[1] <= 6, costs


def test_the_command_reminds_of_a_dates_lessons_by_hand(runner, family, evening):
    _today, _group, lesson = evening
    result = runner.invoke(args=["notifications", "remind", "--date", lesson.lesson_date.isoformat()])
    assert result.exit_code == 0 and "1 lesson reminder(s) recorded." in result.output
    again = runner.invoke(args=["notifications", "remind", "--date", lesson.lesson_date.isoformat()])
    assert "0 lesson reminder(s) recorded." in again.output and len(_reminders()) == 1


def test_the_worker_knows_the_reminder_task(app):
    from eduflow.notifications.queue import huey

    register_tasks()
    names = {task.name for task in huey._registry.periodic_tasks}
    assert {"remind_task", "sweep_task"} <= names
