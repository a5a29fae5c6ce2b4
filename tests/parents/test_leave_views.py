"""请假 in the browser without a real one: the parent's form and POSTs (htmx and plain), the refusals' messages,
other families' records (404), and what staff then see: the sheet's note, the dashboards, the student page."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from eduflow.extensions import db
from eduflow.i18n import from_utc
from eduflow.models import Attendance, AttendanceStatus, AuditLog, LeaveRequest, utcnow
from tests.parents.leave_support import lessons  # noqa: F401 - fixture

HX = {"HX-Request": "true"}


def _url(lessons, family, lesson=None, student=None):
    return f"/p/lessons/{(lesson or lessons.tomorrow).id}/leave?student={(student or family.first).id}"


def _ask(client, lessons, family, reason="发烧，在家休息", headers=None, **which):
    return client.post(_url(lessons, family, **which), data={"reason": reason}, headers=headers or {})


def _mark(lessons, family):
    db.session.expire_all()
    return db.session.scalar(select(Attendance).where(Attendance.lesson_id == lessons.tomorrow.id,
                                                      Attendance.student_id == family.first.id))


def test_the_form_is_a_page_and_a_fragment(client, family, lessons, parent_login):
    parent_login()
    page = client.get(_url(lessons, family))
    assert page.status_code == 200 and 'data-testid="leave-form"' in page.get_data(as_text=True)
    fragment = client.get(_url(lessons, family), headers=HX).get_data(as_text=True)
    assert "<html" not in fragment and 'data-testid="leave-form"' in fragment


def test_asking_leads_back_to_the_timetable_and_is_audited_as_the_parent(client, family, lessons, parent_login):
    parent_login()
    response = _ask(client, lessons, family)
    assert response.status_code == 302 and response.headers["Location"].endswith("/p/timetable")
    assert _mark(lessons, family).status == AttendanceStatus.LEAVE
    entries = db.session.scalars(select(AuditLog).where(AuditLog.entity.in_(("leave_requests", "attendance")))).all()
    assert {entry.entity for entry in entries} == {"leave_requests", "attendance"}
    assert all(entry.parent_account_id == family.account.id and entry.actor_id is None for entry in entries)


def test_with_htmx_the_lessons_actions_answer_in_place(client, family, lessons, parent_login):
    parent_login()
    body = _ask(client, lessons, family, headers=HX).get_data(as_text=True)
    assert "<html" not in body and 'data-testid="withdraw-leave"' in body and 'data-testid="leave-saved"' in body
    assert "hx-swap-oob" in body


def test_refusals_answer_422_with_their_message(client, family, lessons, parent_login):
    parent_login()
    assert "请填写请假原因" in _ask(client, lessons, family, reason="").get_data(as_text=True)
    too_long = _ask(client, lessons, family, reason="很" * 201)
    assert too_long.status_code == 422 and "最多 200 个字" in too_long.get_data(as_text=True)
    assert _ask(client, lessons, family).status_code == 302
    again = _ask(client, lessons, family, headers=HX)
    assert again.status_code == 422 and "已经为这节课请过假了" in again.get_data(as_text=True)
    assert len(db.session.scalars(select(LeaveRequest)).all()) == 1


def test_other_families_lessons_students_and_requests_are_404(client, family, lessons, parent_login, users):
    parent_login()
    assert client.get(_url(lessons, family, lesson=lessons.other)).status_code == 404
    assert client.get(_url(lessons, family, student=family.other)).status_code == 404
    assert client.get(f"/p/lessons/{lessons.tomorrow.id}/leave?student=x").status_code == 404
    assert client.get(f"/p/lessons/{lessons.tomorrow.id}/leave").status_code == 404
    theirs = LeaveRequest(lesson_id=lessons.other.id, student_id=family.other.id, reason="出差")
    db.session.add(theirs)
    db.session.commit()
    assert client.post(f"/p/leave/{theirs.id}/withdraw").status_code == 404


def _lesson_soon(make_lesson, lessons):
    """A lesson of the child's class starting in an hour: inside the 2-hour cutoff."""
    start = (from_utc(utcnow()) + dt.timedelta(hours=1)).replace(second=0, microsecond=0)
    return make_lesson(lessons.group, start.date(), start=start.time(), minutes=5)


def test_after_the_cutoff_the_form_says_why_and_asking_is_refused(client, family, lessons, parent_login, make_lesson):
    soon = _lesson_soon(make_lesson, lessons)
    parent_login()
    assert "2 小时内不能在线请假" in client.get(_url(lessons, family, lesson=soon)).get_data(as_text=True)
    refused = _ask(client, lessons, family, lesson=soon)
    assert refused.status_code == 422 and "2 小时内不能在线请假" in refused.get_data(as_text=True)
    timetable = client.get("/p/timetable").get_data(as_text=True)
    assert "开课前 2 小时内不能在线请假，请联系校区" in timetable
    assert f'href="{_url(lessons, family)}"' in timetable.replace("&amp;", "&")  # tomorrow's button stands


def test_withdrawing_removes_the_pre_mark(client, family, lessons, parent_login):
    parent_login()
    _ask(client, lessons, family)
    leave = db.session.scalar(select(LeaveRequest))
    body = client.post(f"/p/leave/{leave.id}/withdraw", headers=HX).get_data(as_text=True)
    assert 'data-testid="ask-leave"' in body and "已撤回请假" in body
    assert _mark(lessons, family) is None
    gone = db.session.scalars(select(AuditLog).where(AuditLog.action == "delete", AuditLog.entity == "attendance")).all()
    withdrawn = db.session.scalars(select(AuditLog).where(AuditLog.action == "update",
                                                          AuditLog.entity == "leave_requests")).all()
    assert [(e.parent_account_id, e.actor_id) for e in gone + withdrawn] == [(family.account.id, None)] * 2
    assert "withdrawn_at" in withdrawn[0].changes
    again = client.post(f"/p/leave/{leave.id}/withdraw")
    assert again.status_code == 422 and "已经撤回" in again.get_data(as_text=True)


def test_the_teacher_sees_who_asked_and_why_on_the_sheet_and_dashboard(client, family, lessons, parent_login,
                                                                        login_as):
    parent_login()
    _ask(client, lessons, family)
    client.post("/p/logout")
    login_as("teacher")
    sheet = client.get(f"/lessons/{lessons.tomorrow.id}/attendance").get_data(as_text=True)
    assert 'data-testid="leave-note"' in sheet and "家长请假" in sheet and "发烧，在家休息" in sheet
    assert "王妈妈（母亲）" in sheet
    dashboard = client.get("/").get_data(as_text=True)
    assert 'data-testid="leave-request"' in dashboard and "发烧，在家休息" in dashboard


def test_the_academic_dashboard_and_the_student_page_list_the_request(client, family, lessons, parent_login,
                                                                       login_as):
    parent_login()
    _ask(client, lessons, family)
    client.post("/p/logout")
    login_as("academic")
    assert "发烧，在家休息" in client.get("/").get_data(as_text=True)
    page = client.get(f"/students/{family.first.id}").get_data(as_text=True)
    assert 'data-testid="student-leave-request"' in page and "发烧，在家休息" in page
    assert page.count("家长请假") == 2  # the requests' card, and who marked 请假 in the attendance list


def test_a_staff_tap_makes_the_mark_the_staffs_own_and_the_note_goes(client, family, lessons, parent_login,
                                                                      login_as):
    parent_login()
    _ask(client, lessons, family)
    client.post("/p/logout")
    login_as("teacher")
    client.post(f"/lessons/{lessons.tomorrow.id}/attendance/{family.first.id}", data={"status": "leave"}, headers=HX)
    sheet = client.get(f"/lessons/{lessons.tomorrow.id}/attendance").get_data(as_text=True)
    assert 'data-testid="leave-note"' in sheet  # a tap on the same status changes nothing
