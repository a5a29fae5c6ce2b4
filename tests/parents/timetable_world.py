"""The timetable tests' school week: 王小明's English class, a makeup, a leave request, 王小红 suspended."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from eduflow.attendance.makeups import book_makeup
from eduflow.extensions import db
from eduflow.i18n import school_today
from eduflow.models import AttendanceStatus, LeaveRequest
from tests import factories


@dataclass
class Week:
    today: dt.date
    english: object  # 王小明's class (一校区)
    other_english: object  # another class of the course: the makeup's
    art: object  # 王小红's class (二校区)
    tomorrow: object  # 王小明's lesson tomorrow, leave asked
    in_four_weeks: object  # the last day of the window
    after_window: object
    yesterday: object  # marked 请假, made up in `makeup`
    makeup: object
    suspended: object  # 王小红's lesson after she went on 休学
    art_soon: object  # 王小红's lesson before that
    enrolment: object


def build_week(family, users, campuses) -> Week:
    """Lessons around today for the family, committed."""
    today = school_today()
    day = lambda n: today + dt.timedelta(days=n)  # noqa: E731
    english_course, art_course = factories.make_course("少儿英语"), factories.make_course("创意美术")
    room = factories.make_room(campuses[0], "A101")
    english = factories.make_class(english_course, campuses[0], name="英语一班", room=room, head=users["teacher"])
    other = factories.make_class(english_course, campuses[0], name="英语二班", room=room)
    art = factories.make_class(art_course, campuses[1], name="美术一班")
    enrolment = factories.enroll(family.first, english_course, by=users["sales"], group=english, lessons=10,
                                 enrolled_on=day(-14))
    factories.enroll(family.second, art_course, by=users["sales_b"], group=art, lessons=3, enrolled_on=day(-14))
    factories.enroll(family.other, english_course, by=users["sales"], group=other, lessons=10, enrolled_on=day(-14))
    lesson = lambda group, n, **kw: factories.make_lesson(group, day(n), teacher=users["teacher"], room=room, **kw)  # noqa: E731
    yesterday, tomorrow = lesson(english, -1), lesson(english, 1)
    makeup = lesson(other, 3, start=dt.time(14))
    week = Week(today, english, other, art, tomorrow, lesson(english, 27), lesson(english, 28), yesterday, makeup,
                factories.make_lesson(art, day(10), teacher=users["teacher_b"]),
                factories.make_lesson(art, day(2), teacher=users["teacher_b"]), enrolment)
    db.session.flush()
    factories.make_mark(yesterday, family.first, AttendanceStatus.LEAVE, enrollment=enrolment, by=users["teacher"])
    db.session.flush()
    book_makeup(yesterday, family.first.id, makeup, by=users["academic"], today=today)
    db.session.add(LeaveRequest(lesson_id=tomorrow.id, student_id=family.first.id,
                                parent_account_id=family.account.id, reason="发烧"))
    family.second.suspended_from = day(7)
    db.session.commit()
    return week


def add_third_child(family, users, campuses, week):
    """One more child of the same phone, with an enrolment, lessons, a mark and a leave request."""
    third = factories.make_student(campuses[1], name="王小刚", owner=users["sales_b"])
    factories.make_parent(third)
    group = factories.make_class(week.art.course, campuses[1], name="美术二班")
    enrolment = factories.enroll(third, week.art.course, by=users["sales_b"], group=group, lessons=4,
                                 enrolled_on=week.today - dt.timedelta(days=3))
    lessons = [factories.make_lesson(group, week.today + dt.timedelta(days=n), teacher=users["teacher_b"])
               for n in (0, 2, 4, 9)]
    factories.make_mark(lessons[0], third, AttendanceStatus.PRESENT, enrollment=enrolment)
    db.session.add(LeaveRequest(lesson_id=lessons[1].id, student_id=third.id, parent_account_id=family.account.id))
    db.session.commit()
