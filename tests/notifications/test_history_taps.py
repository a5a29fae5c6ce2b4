"""30 tablets tapping 出勤 for the same student at the same moment, through the sheet's own route: the mark is saved
once, the family hears once (one 课消通知 for that mark's version), and the student page's 通知记录 shows it once.

(tests/attendance/test_notices.py taps through the service; this goes through HTTP, with the form, the answer drawn
before the commit and the commit's hand-over to the queue.)"""
from __future__ import annotations

import re

from sqlalchemy import select

from eduflow.extensions import db
from eduflow.models import Notification, NotificationKind as Kind
from tests import factories
from tests.concurrency import posts_at_once

TAPS = 30
HX = {"HX-Request": "true"}


def _tap_together(app, client, url: str) -> list:
    """TAPS clients sharing the teacher's session post the same tap at once; their answers (or exceptions)."""
    return posts_at_once(app, client, TAPS, url, {"status": "present"}, HX)


def test_thirty_taps_at_once_on_the_sheet_tell_the_family_once(app, client, login_as, users, family, make_class,
                                                             make_lesson):
    group = make_class("英语一班")
    enrollment = factories.enroll(family.first, group.course, by=users["academic"], group=group, lessons=10)
    db.session.commit()
    lesson = make_lesson(group)
    login_as("teacher")
    answers = _tap_together(app, client, f"/lessons/{lesson.id}/attendance/{enrollment.student_id}")
    assert len(answers) == TAPS
    statuses = [getattr(answer, "status_code", answer) for answer in answers]
    assert set(statuses) <= {200, 409}, statuses  # saved, or refused as changed meanwhile: never a 500
    assert 200 in statuses
    db.session.expire_all()
    deducted = list(db.session.scalars(select(Notification).where(
        Notification.student_id == family.first.id, Notification.kind == Kind.LESSON_DEDUCTED)))
    assert len(deducted) == 1 and "剩余 9 课时" in deducted[0].body
    assert deducted[0].event_key.endswith(":v1")  # the first version of the mark, told once

    login_as.logout()
    login_as("manager")
    page = client.get(f"/students/{family.first.id}/messages", headers=HX).get_data(as_text=True)
    assert len(re.findall(r'data-testid="student-message-\d+"', page)) == 1 and "扣除 1 课时" in page
