"""Staff's own events (issue 13, part 6): a parent's leave request tells the lesson's teacher and the campus's
academic staff, a lead given to someone tells its new owner, a status change waiting for approval tells who decides
it — each colleague once, nobody else, every event of a change in one INSERT."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from eduflow.admin.services import inherit_records
from eduflow.attendance.leave import LeaveRefused, ask_leave, withdraw_leave
from eduflow.extensions import db
from eduflow.leads.pool import assign, claim
from eduflow.leads.records import create_lead
from eduflow.models import (
    Campus, LeaveRequest, Notification, NotificationChannel, NotificationKind as Kind, Role, SourceChannel,
    StatusChangeKind, StudentStatus,
)
from eduflow.students.status_changes import StatusRequest, request_change
from tests import factories
from tests.parents.leave_support import at, lessons  # noqa: F401 - fixture
from tests.statements import counted


def _told(kind: Kind) -> list[Notification]:
    db.session.expire_all()
    return list(db.session.scalars(select(Notification).where(Notification.kind == kind).order_by(Notification.id)))


def _recipients(kind: Kind) -> list[int]:
    return sorted(message.user_id for message in _told(kind))


def _early(lessons):
    return at(lessons.tomorrow.lesson_date - dt.timedelta(days=1), 10)


def _inserts(statements: list[str]) -> int:
    return sum(1 for sql in statements if sql.lstrip().upper().startswith("INSERT") and "notification_events" in sql)


# ---------- 请假申请 ----------

def test_a_parents_leave_request_tells_the_teacher_and_the_campus_academic_staff_once(family, lessons, users,
                                                                                    campuses):
    other_academic = factories.make_user("academic_b", Role.ACADEMIC, campuses[1])
    db.session.commit()
    with counted() as statements:
        ask_leave(family.account, lessons.tomorrow, family.first, "发烧请假", now=_early(lessons))
        db.session.commit()
    assert _inserts(statements) == 2  # the family's 请假 confirmed, and one for every colleague told
    told = _told(Kind.LEAVE_REQUESTED)
    assert sorted(m.user_id for m in told) == sorted([users["teacher"].id, users["academic"].id])
    assert other_academic.id not in {m.user_id for m in told}
    assert all(m.parent_account_id is None and m.channel == NotificationChannel.INBOX for m in told)
    message = told[0]
    assert message.link == f"/lessons/{lessons.tomorrow.id}/attendance"
    assert "王小明" in message.body and "发烧请假" in message.body and "英语一班" in message.body


def test_a_substitute_is_told_instead_of_the_head_teacher(family, lessons, users, campuses):
    substitute = factories.make_user("substitute", Role.TEACHER, campuses[0])
    lessons.tomorrow.teacher_id = substitute.id
    db.session.commit()
    ask_leave(family.account, lessons.tomorrow, family.first, "发烧", now=_early(lessons))
    db.session.commit()
    assert _recipients(Kind.LEAVE_REQUESTED) == sorted([substitute.id, users["academic"].id])


def test_asking_twice_tells_once_and_asking_again_after_withdrawing_tells_again(family, lessons, users):
    ask_leave(family.account, lessons.tomorrow, family.first, "发烧", now=_early(lessons))
    db.session.commit()
    with pytest.raises(LeaveRefused):
        ask_leave(family.account, lessons.tomorrow, family.first, "发烧", now=_early(lessons))
    db.session.rollback()
    assert len(_told(Kind.LEAVE_REQUESTED)) == 2
    leave = withdraw_leave(family.account, _leave(lessons, family), now=_early(lessons))
    db.session.commit()
    assert leave.withdrawn_at is not None
    ask_leave(family.account, lessons.tomorrow, family.first, "还是发烧", now=_early(lessons))
    db.session.commit()
    assert len(_told(Kind.LEAVE_REQUESTED)) == 4


def _leave(lessons, family):
    return db.session.scalar(select(LeaveRequest).where(LeaveRequest.lesson_id == lessons.tomorrow.id,
                                                        LeaveRequest.student_id == family.first.id))


# ---------- 线索分配 ----------

def test_a_managers_assignment_tells_the_new_owner_of_each_lead_in_one_insert(make_lead, users):
    leads = [make_lead(name=f"线索{n}", owner=None) for n in range(3)]
    with counted() as statements:
        assert assign(leads, to_user=users["sales"], by=users["manager"]) == 3
        db.session.commit()
    assert _inserts(statements) == 1
    told = _told(Kind.LEAD_ASSIGNED)
    assert [m.user_id for m in told] == [users["sales"].id] * 3
    assert {m.link for m in told} == {f"/leads/{lead.id}" for lead in leads}
    assert all("Manager" in m.body for m in told) and {"线索0", "线索1", "线索2"} <= {m.subject[-3:] for m in told}


def test_assigning_again_to_the_same_owner_tells_nobody_twice(make_lead, users):
    lead = make_lead(owner=None)
    assign([lead], to_user=users["sales"], by=users["manager"])
    db.session.commit()
    assign([lead], to_user=users["sales"], by=users["manager"])  # a double submit: nothing moves
    db.session.commit()
    assign([lead], to_user=users["sales2"], by=users["manager"])
    db.session.commit()
    assert _recipients(Kind.LEAD_ASSIGNED) == sorted([users["sales"].id, users["sales2"].id])


def test_taking_a_lead_yourself_tells_nobody(make_lead, users):
    lead = make_lead(owner=None)
    claim(lead.id, by=users["sales"])
    db.session.commit()
    other = make_lead(name="李四", owner=None)
    assign([other], to_user=users["manager"], by=users["manager"])
    db.session.commit()
    create_lead({"name": "王五", "phone": "13800001111", "source_id": _source()}, by=users["sales"])
    db.session.commit()
    assert _told(Kind.LEAD_ASSIGNED) == []


def test_a_lead_recorded_for_a_salesperson_by_the_manager_tells_them(users):
    lead = create_lead({"name": "王五", "phone": "13800001111", "source_id": _source()}, by=users["manager"],
                       owner_id=users["sales2"].id)
    db.session.commit()
    told = _told(Kind.LEAD_ASSIGNED)
    assert [(m.user_id, m.link) for m in told] == [(users["sales2"].id, f"/leads/{lead.id}")]


def test_a_departing_sellers_leads_tell_the_heir_once_not_once_per_lead(users, campuses):
    for n in range(3):
        factories.make_lead(campuses[0], name=f"线索{n}", owner=users["sales"], phone=f"1380000222{n}")
    db.session.commit()
    inherit_records(users["sales"], users["sales2"], operator=users["manager"])
    db.session.commit()
    (message,) = _told(Kind.RECORDS_INHERITED)
    assert (message.user_id, message.link) == (users["sales2"].id, "/leads")
    assert "3 条线索" in message.body and users["sales"].display_name in message.body
    assert _told(Kind.LEAD_ASSIGNED) == []


def _source() -> int:
    return db.session.scalar(select(SourceChannel.id).where(SourceChannel.is_referral.is_(False)).limit(1))


# ---------- 待审批 ----------

def _graduation(student, by):
    change = request_change(student, StatusRequest(kind=StatusChangeKind.GRADUATE, reason="结业"), by=by)
    db.session.commit()
    return change


def test_a_request_waiting_for_approval_tells_the_campus_manager_not_other_campuses_or_admins(users, campuses):
    student = factories.make_student(campuses[0], name="赵小明", owner=users["sales"], status=StudentStatus.ACTIVE)
    db.session.commit()
    change = _graduation(student, users["sales"])
    told = _told(Kind.APPROVAL_WAITING)
    assert [(m.user_id, m.link) for m in told] == [(users["manager"].id, "/students/approvals")]
    assert "赵小明" in told[0].body and "Sales" in told[0].body and "毕业" in told[0].body
    assert f"approval:{change.id}:u{users['manager'].id}" == told[0].event_key


def test_a_campus_without_a_manager_has_its_requests_told_to_the_admins(users, campuses):
    third = Campus(name="三校区", address="中山路 3 号")
    db.session.add(third)
    db.session.flush()
    academic = factories.make_user("academic_c", Role.ACADEMIC, third)
    student = factories.make_student(third, name="钱小明", status=StudentStatus.ACTIVE)
    db.session.commit()
    _graduation(student, academic)
    assert _recipients(Kind.APPROVAL_WAITING) == [users["admin"].id]


def test_a_manager_asking_is_not_told_of_their_own_request(users, campuses):
    student = factories.make_student(campuses[0], name="孙小明", status=StudentStatus.ACTIVE)
    db.session.commit()
    _graduation(student, users["manager"])
    assert _told(Kind.APPROVAL_WAITING) == []


def test_a_colleague_reads_the_message_in_their_own_language(users, campuses):
    users["manager"].locale = "en"
    student = factories.make_student(campuses[0], name="周小明", status=StudentStatus.ACTIVE)
    db.session.commit()
    _graduation(student, users["sales"])
    message = _told(Kind.APPROVAL_WAITING)[0]
    assert message.locale == "en" and "周小明" in message.body and "approval" in message.body.lower()


def test_the_kind_of_change_is_in_the_readers_language_too(users, campuses):
    users["manager"].locale = "en"
    student = factories.make_student(campuses[0], name="吴小明", status=StudentStatus.ACTIVE)
    db.session.commit()
    _graduation(student, users["sales"])
    assert "毕业" not in _told(Kind.APPROVAL_WAITING)[0].body
