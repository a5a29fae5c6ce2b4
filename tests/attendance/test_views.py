"""The sheet over HTTP: one tap saves and answers the row, 全部出勤, refusals with a message, makeups, today."""
from __future__ import annotations

import datetime as dt
import re

from sqlalchemy import func, select

from eduflow.extensions import db
from eduflow.models import (
    Attendance, AttendanceStatus, EnrollmentStatus, LessonLedgerEntry, Makeup, TrialLesson, TrialStatus,
)
from tests import factories
from tests.attendance.conftest import balance_of, mark_of

HX = {"HX-Request": "true"}


def _tap(client, lesson, enrollment, status, **extra):
    return client.post(f"/lessons/{lesson.id}/attendance/{enrollment.student_id}", data={"status": status, **extra},
                       headers=HX)


def test_the_sheet_shows_the_lesson_and_its_roster_with_balances(client, login_as, lesson, group, enroll_new):
    enroll_new(group, "王小明")
    enroll_new(group, "李小红", purchased=2)
    login_as("teacher")
    page = client.get(f"/lessons/{lesson.id}/attendance").get_data(as_text=True)
    assert group.name in page and group.course.name in page and "09:00" in page and "Teacher" in page
    assert "王小明" in page and "李小红" in page and "剩余 10 课时" in page and "剩余 2 课时" in page
    assert page.count('data-testid="mark-present"') == 2 and "全部出勤" in page


def test_one_tap_saves_and_answers_the_row_with_the_new_balance(client, login_as, lesson, group, enroll_new):
    enrollment = enroll_new(group)
    login_as("teacher")
    response = _tap(client, lesson, enrollment, "present")
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in body
    assert 'data-testid="saved"' in body and 'data-balance="9"' in body and 'aria-pressed="true"' in body
    assert mark_of(lesson, enrollment.student).status == AttendanceStatus.PRESENT
    reloaded = client.get(f"/lessons/{lesson.id}/attendance").get_data(as_text=True)
    assert 'data-balance="9"' in reloaded and 'data-testid="saved"' not in reloaded


def test_an_unknown_status_is_refused_with_a_message_and_changes_nothing(client, login_as, lesson, group, enroll_new):
    enrollment = enroll_new(group)
    login_as("teacher")
    response = _tap(client, lesson, enrollment, "asleep")
    assert response.status_code == 422 and "未知的考勤状态" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Attendance.id))) == 0 and balance_of(enrollment) == 10


def test_mark_all_marks_the_unmarked_and_answers_the_roster(client, login_as, lesson, group, enroll_new):
    on_leave, others = enroll_new(group, "请假生"), [enroll_new(group, "甲"), enroll_new(group, "乙")]
    login_as("academic")
    _tap(client, lesson, on_leave, "leave")
    response = client.post(f"/lessons/{lesson.id}/attendance/all", headers=HX)
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in body and 'id="roster"' in body
    assert body.count('data-testid="saved"') == 2
    assert mark_of(lesson, on_leave.student).status == AttendanceStatus.LEAVE
    assert [balance_of(e) for e in [on_leave, *others]] == [10, 9, 9]


def test_another_campuss_lesson_and_another_teachers_class_are_not_found(client, login_as, users, make_class,
                                                                         make_lesson, lesson, group, enroll_new):
    other_campus = make_class("二校班", campus=1, head="teacher_b")
    far_lesson, far = make_lesson(other_campus, teacher="teacher_b"), enroll_new(other_campus, "二校生", owner="sales_b")
    login_as("manager")
    assert _tap(client, far_lesson, far, "present").status_code == 404
    assert client.get(f"/lessons/{far_lesson.id}/attendance").status_code == 404
    login_as.logout()
    login_as("teacher_b")
    assert _tap(client, lesson, enroll_new(group), "present").status_code == 404
    assert db.session.scalar(select(func.count(LessonLedgerEntry.id)).where(
        LessonLedgerEntry.lesson_id.in_([lesson.id, far_lesson.id]))) == 0


def test_sales_may_not_open_or_mark_a_sheet(client, login_as, lesson, group, enroll_new):
    enrollment = enroll_new(group)
    login_as("sales")
    assert client.get(f"/lessons/{lesson.id}/attendance").status_code == 403
    assert _tap(client, lesson, enrollment, "present").status_code == 403
    assert client.get("/today").status_code == 403


def test_a_locked_sheet_is_read_only_for_teachers_and_says_why(client, login_as, make_lesson, group, enroll_new, today):
    old, enrollment = make_lesson(group, day=today - dt.timedelta(days=10)), enroll_new(group)
    login_as("teacher")
    page = client.get(f"/lessons/{old.id}/attendance").get_data(as_text=True)
    assert "已锁定" in page and re.search(r'data-testid="mark-present"\s+disabled', page)
    response = _tap(client, old, enrollment, "present")
    assert response.status_code == 422 and "已锁定" in response.get_data(as_text=True)
    assert mark_of(old, enrollment.student) is None
    login_as.logout()
    login_as("manager")
    assert _tap(client, old, enrollment, "present").status_code == 200
    assert balance_of(enrollment) == 9


def test_a_tap_into_debt_asks_once_with_the_balance_and_the_confirmed_tap_deducts_in_red(client, login_as, lesson,
                                                                                         group, enroll_new):
    enrollment = enroll_new(group, purchased=1)
    login_as("teacher")
    _tap(client, lesson, enrollment, "present")
    second = lesson.__class__(class_id=group.id, lesson_date=lesson.lesson_date, start_time=dt.time(15),
                              end_time=dt.time(16), teacher_id=lesson.teacher_id)
    db.session.add(second)
    db.session.commit()
    asked = _tap(client, second, enrollment, "absent")
    body = asked.get_data(as_text=True)
    assert asked.status_code == 200 and 'data-testid="debt-confirm"' in body and "剩余 0 课时" in body
    assert 'name="confirm" value="y"' in body and 'value="absent"' in body and "<script" not in body
    assert mark_of(second, enrollment.student) is None and balance_of(enrollment) == 0  # nothing written yet
    body = _tap(client, second, enrollment, "absent", confirm="y").get_data(as_text=True)
    assert "text-debt" in body and "欠课时" in body and 'data-balance="-1"' in body
    assert 'data-testid="debt-confirm"' not in body and balance_of(enrollment) == -1
    assert 'data-testid="debt-confirm"' not in _tap(client, second, enrollment, "late").get_data(as_text=True)
    third = lesson.__class__(class_id=group.id, lesson_date=lesson.lesson_date, start_time=dt.time(17),
                             end_time=dt.time(18), teacher_id=lesson.teacher_id)
    db.session.add(third)
    db.session.commit()
    body = _tap(client, third, enrollment, "present").get_data(as_text=True)
    assert "已欠 1 课时，记为出勤将再扣 1 课时，共欠 2 课时。" in body and "剩余 -1 课时，记为" not in body


def test_mark_all_asks_once_before_taking_anyone_into_debt(client, login_as, make_lesson, lesson, group, enroll_new,
                                                           today):
    owing, fine = enroll_new(group, "欠课生", purchased=1), enroll_new(group, "正常生")
    login_as("teacher")
    _tap(client, make_lesson(group, day=today - dt.timedelta(days=1)), owing, "present")
    body = client.post(f"/lessons/{lesson.id}/attendance/all", headers=HX).get_data(as_text=True)
    assert 'data-testid="debt-confirm-all"' in body and "欠课生：剩余 0 课时" in body and "正常生：" not in body
    assert mark_of(lesson, owing.student) is None and mark_of(lesson, fine.student) is None
    assert (balance_of(owing), balance_of(fine)) == (0, 10)
    body = client.post(f"/lessons/{lesson.id}/attendance/all", data={"confirm": "y"}, headers=HX).get_data(as_text=True)
    assert body.count('data-testid="saved"') == 2 and 'data-testid="debt-confirm-all"' not in body
    assert (balance_of(owing), balance_of(fine)) == (-1, 9)


def test_the_office_books_a_makeup_and_it_appears_on_the_target_sheet(client, login_as, make_class, make_lesson,
                                                                      group, enroll_new, today):
    missed, enrollment = make_lesson(group, day=today - dt.timedelta(days=2)), enroll_new(group, "补课生")
    target = make_lesson(make_class("英语B班", head=None), day=today + dt.timedelta(days=1))
    login_as("academic")
    _tap(client, missed, enrollment, "absent")
    assert 'data-testid="makeup-lesson"' in client.get(f"/lessons/{missed.id}/attendance").get_data(as_text=True)
    url = f"/lessons/{missed.id}/attendance/{enrollment.student_id}/makeup"
    refused = client.post(url, data={"lesson": str(missed.id)}, headers=HX)
    assert refused.status_code == 422 and "请从列表中选择" in refused.get_data(as_text=True)
    booked = client.post(url, data={"lesson": str(target.id)}, headers=HX)
    assert booked.status_code == 200 and "补课" in booked.get_data(as_text=True)
    assert db.session.scalar(select(Makeup.lesson_id)) == target.id
    sheet = client.get(f"/lessons/{target.id}/attendance").get_data(as_text=True)
    assert "补课生" in sheet and 'data-testid="makeup-badge"' in sheet
    login_as.logout()
    login_as("teacher")
    assert client.post(url, data={"lesson": str(target.id)}, headers=HX).status_code == 403


def test_a_trial_lead_is_marked_on_the_sheet(client, login_as, users, campuses, lesson):
    lead = factories.make_lead(campuses[0], name="试听小朋友", owner=users["sales"])
    trial = factories.make_trial(lead, lesson)
    db.session.commit()
    login_as("teacher")
    assert "试听小朋友" in client.get(f"/lessons/{lesson.id}/attendance").get_data(as_text=True)
    response = client.post(f"/lessons/{lesson.id}/attendance/trials/{trial.id}", data={"status": "no_show"},
                           headers=HX)
    assert response.status_code == 200 and "未到" in response.get_data(as_text=True)
    assert db.session.get(TrialLesson, trial.id).status == TrialStatus.NO_SHOW
    bad = client.post(f"/lessons/{lesson.id}/attendance/trials/{trial.id}", data={"status": "maybe"}, headers=HX)
    assert bad.status_code == 422 and "未知的试听状态" in bad.get_data(as_text=True)


def test_today_lists_a_teachers_own_lessons_and_the_campuss_for_the_office(client, login_as, make_class,
                                                                           make_lesson, lesson, group, enroll_new, today):
    enroll_new(group, "甲")
    enroll_new(group, "乙")
    colleague = make_lesson(make_class("别的班", head=None), teacher=None, start=14)
    far = make_lesson(make_class("二校班", campus=1, head="teacher_b"), teacher="teacher_b")
    make_lesson(group, day=today + dt.timedelta(days=1))
    login_as("teacher")
    _tap(client, lesson, enroll_new(group, "丙"), "present")
    page = client.get("/today").get_data(as_text=True)
    assert f'data-testid="lesson-{lesson.id}"' in page and f"lesson-{colleague.id}" not in page
    assert "已考勤 1 / 3" in page and "2 人未考勤" in page
    login_as.logout()
    login_as("academic")
    page = client.get("/today").get_data(as_text=True)
    assert f"lesson-{lesson.id}" in page and f"lesson-{colleague.id}" in page and f"lesson-{far.id}" not in page
    tomorrow = client.get(f"/today?day={(today + dt.timedelta(days=1)).isoformat()}").get_data(as_text=True)
    assert f"lesson-{lesson.id}" not in tomorrow and "当天课程" in tomorrow


def test_a_former_students_mark_stays_on_the_sheet_but_cannot_be_changed(client, login_as, lesson, group, enroll_new):
    enrollment = enroll_new(group, "转走的学员")
    login_as("teacher")
    _tap(client, lesson, enrollment, "present")
    enrollment.status = EnrollmentStatus.TRANSFERRED
    db.session.commit()
    page = client.get(f"/lessons/{lesson.id}/attendance").get_data(as_text=True)
    assert "转走的学员" in page and "已不在本班" in page
    assert _tap(client, lesson, enrollment, "absent").status_code == 404
    assert mark_of(lesson, enrollment.student).status == AttendanceStatus.PRESENT


def test_a_suspended_students_tap_is_refused_with_the_reason_and_writes_nothing(client, login_as, lesson, group,
                                                                               enroll_new, today):
    enrollment = enroll_new(group)
    student = enrollment.student
    student.suspended_from = today
    db.session.commit()
    login_as("teacher")
    sheet = client.get(f"/lessons/{lesson.id}/attendance").get_data(as_text=True)
    assert 'data-testid="suspended-badge"' in sheet and 'data-testid="mark-present"' not in sheet
    response = _tap(client, lesson, enrollment, "present", confirm="y")
    assert response.status_code == 422 and "起休学，不能考勤" in response.get_data(as_text=True)
    assert mark_of(lesson, student) is None and balance_of(enrollment) == 10
