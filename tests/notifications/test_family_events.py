"""What the family hears besides the marks: the payment receipt, a lesson moved or cancelled, and the renewal prompts —
each written with its change (rolled back with it), once per occasion whatever the retries, to the families it
concerns and no other, in the parent's language."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from eduflow.attendance.services import mark_attendance
from eduflow.domain import DomainError
from eduflow.enrollments.refunds import apply_refund
from eduflow.enrollments.services import Renewal, RenewalMode, record_payment, renew_enrollment
from eduflow.extensions import db
from eduflow.i18n import school_today
from eduflow.jobs import run_jobs
from eduflow.models import (
    AttendanceStatus, DeliveryStatus, LeaveRequest, Lesson, Notification, NotificationChannel as Channel, NotificationEvent,
    NotificationKind as Kind, Payment, PaymentMethod, Role, Settings, User, utcnow,
)
from eduflow.notifications.family_events import payment_received
from eduflow.schedule.services import LessonPlan, delete_lesson, move_lesson
from eduflow.submissions import new_token
from tests import factories
from tests.concurrency import at_once
from tests.statements import counted

OTHER_PHONE = "13987654321"  # 李爸爸, the family fixture's other parent


def _messages(kind: Kind | None = None, account=None, channel: Channel = Channel.INBOX) -> list[Notification]:
    db.session.expire_all()
    query = select(Notification).where(Notification.channel == channel).order_by(Notification.id)
    if kind is not None:
        query = query.where(Notification.kind == kind)
    if account is not None:
        query = query.where(Notification.parent_account_id == account.id)
    return list(db.session.scalars(query))


def _events() -> int:
    return db.session.scalar(select(func.count(NotificationEvent.id)))


def _english(account) -> None:
    account.locale = "en"
    db.session.commit()


@pytest.fixture
def other_account(family):
    """李爸爸 signs up too: his child shares 王小明's class in some tests, and he must hear only of his own."""
    account = factories.make_parent_account(phone=OTHER_PHONE)
    db.session.commit()
    return account


# ---------- 缴费凭证 ----------

def test_a_payment_writes_its_receipt_in_the_same_transaction_with_amount_course_and_link(family, users, enroll):
    enrollment = enroll(family.first, fee="3000")
    record_payment(enrollment, amount=Decimal("1200"), method=PaymentMethod.CASH, by=users["academic"])
    db.session.rollback()
    assert _events() == 0 and _messages() == []
    payment = record_payment(enrollment, amount=Decimal("1200"), method=PaymentMethod.CASH, by=users["academic"])
    db.session.commit()
    (message,) = _messages()
    receipt = f"/p/payments/{payment.id}/receipt"
    assert (message.kind, message.parent_account_id, message.link) == (Kind.PAYMENT_RECEIVED, family.account.id,
                                                                       receipt)
    assert message.subject == "缴费凭证：王小明"
    assert message.body == f"已收到 王小明 的 少儿英语 缴费 1200.00 元，收据：{receipt}"


def test_a_receipt_is_written_once_per_payment_whatever_the_retries(family, users, enroll):
    enrollment = enroll(family.first, fee="3000")
    payment = record_payment(enrollment, amount=Decimal("100"), method=PaymentMethod.CASH, by=users["academic"])
    db.session.commit()
    for _ in range(2):
        payment_received(payment, enrollment)
        db.session.commit()
    assert len(_messages(Kind.PAYMENT_RECEIVED)) == 1 and _events() == 1
    record_payment(enrollment, amount=Decimal("200"), method=PaymentMethod.CASH, by=users["academic"])
    db.session.commit()
    assert [m.body.split(" 缴费 ")[1][:6] for m in _messages()] == ["100.00", "200.00"]


def test_the_payment_form_sends_the_receipt_in_english_with_a_link_that_opens_it(client, login_as, parent_login,
                                                                                 family, enroll):
    _english(family.account)
    enrollment = enroll(family.first, fee="3000")
    login_as("academic")
    response = client.post(f"/enrollments/{enrollment.id}/payments", headers={"HX-Request": "true"},
                           data={"amount": "500", "method": "cash", "paid_at": "2026-03-01T10:30",
                                 "submission_token": new_token()})
    assert response.status_code == 200
    (message,) = _messages()
    payment_id = db.session.scalar(select(Payment.id))
    assert message.subject == "Payment received: 王小明"
    assert message.body == ("We received ¥500.00 for 王小明's 少儿英语. "
                            f"Receipt: http://localhost/p/payments/{payment_id}/receipt")
    login_as.logout()
    parent_login()
    page = client.get(message.link)
    assert page.status_code == 200 and "500.00" in page.get_data(as_text=True)


def test_a_renewal_on_a_new_contract_sends_the_receipt_of_its_payment(family, users, enroll):
    enrollment = enroll(family.first, fee="3000", paid="3000")
    (first,) = _messages(Kind.PAYMENT_RECEIVED)  # the enrolment's own first payment has its receipt too
    assert "3000.00" in first.body
    successor = renew_enrollment(enrollment, Renewal(RenewalMode.NEW, lessons=10, fee=Decimal("1500"),
                                                     paid_amount=Decimal("1500"), payment_method=PaymentMethod.WECHAT,
                                                     contract_no="HT-RENEW-1"), by=users["manager"])
    db.session.commit()
    payment = db.session.scalar(select(Payment).where(Payment.enrollment_id == successor.id))
    (message,) = [m for m in _messages(Kind.PAYMENT_RECEIVED) if m.id != first.id]
    assert message.link == f"/p/payments/{payment.id}/receipt" and "1500.00" in message.body


def test_a_refund_sends_no_payment_receipt(family, users, enroll):
    enrollment = enroll(family.first, fee="3000", paid="3000")
    receipts = _messages(Kind.PAYMENT_RECEIVED)  # the enrolment's payment
    apply_refund(enrollment, by=users["manager"], amount=None, method=None, reason="搬家", note="")
    db.session.commit()
    assert db.session.scalar(select(func.count(Payment.id)).where(Payment.is_refund)) == 1
    assert _messages(Kind.PAYMENT_RECEIVED) == receipts


# ---------- 调课 and 停课 ----------

@pytest.fixture
def booked(family, other_account, users, make_class, make_lesson, enroll):
    """A lesson tomorrow at 09:00 in A101 with 王小明 and 李小华 (each with a family on the portal), a student on 休学
    with a family too, and 王小红 of the other campus in a class of her own."""
    room = factories.make_room(family.first.campus, "A101")
    group = make_class(classroom=room)
    tomorrow = school_today() + dt.timedelta(days=1)
    lesson = make_lesson(group, tomorrow, start=9, room=room)
    resting = factories.make_student(family.first.campus, name="赵小休", owner=users["sales"],
                                     suspended_from=school_today() - dt.timedelta(days=3))
    factories.make_parent(resting, name="赵妈妈", phone="13700000003")
    factories.make_parent_account(phone="13700000003")
    for student in (family.first, family.other, resting):
        enroll(student, group)
    enroll(family.second, make_class(name="二校区班", campus=1, head="teacher_b"))
    db.session.commit()
    return lesson


def _plan(users, lesson, start: int, *, room=None, topic: str = "") -> LessonPlan:
    room = room or lesson.classroom
    return LessonPlan(dt.time(start), dt.time(start + 1), users["teacher"], room, topic=topic)


def test_moving_a_lesson_tells_each_family_of_its_roster_the_new_time_once(family, other_account, users, booked):
    day = booked.lesson_date
    move_lesson(booked, day + dt.timedelta(days=1), _plan(users, booked, 10))
    db.session.commit()
    changed = _messages(Kind.LESSON_CHANGED)
    assert sorted(m.parent_account_id for m in changed) == sorted([family.account.id, other_account.id])
    mine = next(m for m in changed if m.parent_account_id == family.account.id)
    new_day = (day + dt.timedelta(days=1)).isoformat()
    assert mine.body == (f"王小明 在 {day.isoformat()} 09:00 英语一班 的课程有变动："
                         f"改到 {new_day} 10:00–11:00，教室 A101，老师 Teacher")
    assert mine.link == "/p/timetable" and mine.student_id == family.first.id
    lesson = db.session.get(Lesson, booked.id)
    move_lesson(lesson, lesson.lesson_date, _plan(users, lesson, 10))  # the same again: a double submit
    move_lesson(lesson, lesson.lesson_date, _plan(users, lesson, 10, topic="第二单元"))  # the topic only
    db.session.commit()
    assert len(_messages(Kind.LESSON_CHANGED)) == 2
    move_lesson(lesson, day, _plan(users, lesson, 9))  # and back: a change again
    db.session.commit()
    assert len(_messages(Kind.LESSON_CHANGED)) == 4


def test_a_new_room_or_teacher_alone_is_a_change_said_in_english_too(family, users, booked):
    _english(family.account)
    teacher2 = factories.make_user("teacher2", Role.TEACHER, family.first.campus, display_name="王老师")
    other_room = factories.make_room(family.first.campus, "A102")
    db.session.commit()
    move_lesson(booked, booked.lesson_date, _plan(users, booked, 9, room=other_room))
    db.session.commit()
    (message,) = _messages(Kind.LESSON_CHANGED, family.account)
    day = booked.lesson_date.isoformat()
    assert message.subject == "Lesson changed: 王小明"
    assert message.body == (f"王小明's lesson {day} 09:00 英语一班 has changed: "
                            f"moved to {day} 09:00–10:00, room A102, teacher Teacher")
    lesson = db.session.get(Lesson, booked.id)
    move_lesson(lesson, lesson.lesson_date, LessonPlan(dt.time(9), dt.time(10), teacher2, other_room))
    db.session.commit()
    assert "teacher 王老师" in _messages(Kind.LESSON_CHANGED, family.account)[-1].body


def test_a_move_rolled_back_tells_nobody(users, booked):
    move_lesson(booked, booked.lesson_date, _plan(users, booked, 14))
    db.session.rollback()
    assert _events() == 0 and _messages() == []


def test_cancelling_a_lesson_tells_its_families_before_it_goes(family, other_account, users, booked):
    _english(other_account)
    delete_lesson(booked)
    db.session.commit()
    assert db.session.get(Lesson, booked.id) is None
    mine, his = _messages(Kind.LESSON_CHANGED, family.account), _messages(Kind.LESSON_CHANGED, other_account)
    day = booked.lesson_date.isoformat()
    assert [m.body for m in mine] == [f"王小明 在 {day} 09:00 英语一班 的课程有变动：本节课已取消"]
    assert [m.body for m in his] == [f"李小华's lesson {day} 09:00 英语一班 has changed: this lesson is cancelled"]


def test_a_lesson_a_parent_asked_leave_for_is_kept_even_after_the_leave_was_withdrawn(family, booked):
    db.session.add(LeaveRequest(lesson_id=booked.id, student_id=family.first.id, withdrawn_at=utcnow()))
    db.session.commit()
    with pytest.raises(DomainError, match="请假申请"):  # was an IntegrityError (500) where foreign keys are enforced
        delete_lesson(booked)
    db.session.rollback()
    assert db.session.get(Lesson, booked.id) is not None and _events() == 0


def test_a_change_is_urgent_its_email_goes_in_quiet_hours(family, users, booked, inbox):
    family.first.parents[0].email = "wang.mama@example.com"
    db.session.add(Settings(campus_id=family.first.campus_id, notify_email=True, quiet_start=dt.time(0),
                            quiet_end=dt.time(23, 59)))
    db.session.commit()
    move_lesson(booked, booked.lesson_date, _plan(users, booked, 15))
    db.session.commit()
    (email,) = _messages(Kind.LESSON_CHANGED, family.account, Channel.EMAIL)
    assert email.status == DeliveryStatus.SENT
    (to, message), = inbox.messages
    assert to == ["wang.mama@example.com"] and "改到" in message.get_body().get_content()


def _concurrently(app, count: int, work) -> list[Exception]:
    """`count` transactions running `work` and committing at once; the errors of those refused."""
    def committed():
        try:
            work()
            db.session.commit()
        except Exception:
            db.session.rollback()
            raise

    return [outcome for outcome in at_once(app, count, committed) if isinstance(outcome, Exception)]


def test_the_same_move_submitted_five_times_at_once_tells_each_family_once(app, family, users, booked):
    lesson_id, teacher_id, day, account_id = booked.id, users["teacher"].id, booked.lesson_date, family.account.id
    db.session.remove()

    def move():
        lesson = db.session.get(Lesson, lesson_id)
        plan = LessonPlan(dt.time(16), dt.time(17), db.session.get(User, teacher_id), lesson.classroom)
        move_lesson(lesson, day, plan)

    errors = _concurrently(app, 5, move)
    assert all("locked" in str(error) for error in errors), errors
    assert db.session.scalar(select(func.count(Notification.id)).where(
        Notification.parent_account_id == account_id, Notification.kind == Kind.LESSON_CHANGED)) == 1


def test_telling_a_roster_costs_the_same_statements_for_two_and_ten_students(users, make_class, make_lesson, enroll):
    costs = []
    for size in (2, 10):
        group = make_class(name=f"{size}人班")
        lesson = make_lesson(group, school_today() + dt.timedelta(days=size), start=9)
        for n in range(size):
            student = factories.make_student(group.campus, name=f"学员{size}-{n}", owner=users["sales"])
            phone = f"1360000{size:02d}{n:02d}"
            factories.make_parent(student, phone=phone)
            factories.make_parent_account(phone=phone)
            enroll(student, group)
        db.session.commit()
        with counted() as statements:
            move_lesson(lesson, lesson.lesson_date, LessonPlan(dt.time(20), dt.time(21), users["teacher"], None))
            db.session.commit()
        costs.append(len(statements))
        assert len(_messages(Kind.LESSON_CHANGED)) == sum((2, 10)[:len(costs)])
    assert costs[0] == costs[1], costs


# ---------- 课时不足 and 合同到期 ----------

def test_the_renewal_job_tells_the_family_once_per_reminder(family, other_account, users, make_class, enroll):
    group = make_class(end_date=school_today() + dt.timedelta(days=10))
    enroll(family.first, group, lessons=3)
    run_jobs()
    run_jobs()  # a second run raises nothing and tells nobody again
    low, expiring = _messages(Kind.LOW_BALANCE), _messages(Kind.CONTRACT_EXPIRING)
    assert [m.body for m in low] == ["王小明 的 少儿英语 剩余 3 课时，请及时续费。"]
    end = (school_today() + dt.timedelta(days=10)).isoformat()
    assert [m.body for m in expiring] == [f"王小明 的 少儿英语 合同将于 {end} 到期，剩余 3 课时，请及时续费。"]
    assert {m.parent_account_id for m in low + expiring} == {family.account.id}
    assert low[0].link.startswith("/p/hours/")


def test_a_dry_run_or_a_rolled_back_job_tells_nobody(family, enroll):
    enroll(family.first, lessons=2)
    run_jobs(dry_run=True)
    assert _events() == 0 and _messages() == []


def test_going_below_zero_tells_the_family_at_once_and_the_job_not_again(family, users, make_class, make_lesson,
                                                                         enroll):
    _english(family.account)
    group = make_class()
    enrollment = enroll(family.first, group, lessons=1)
    run_jobs()
    assert [m.body for m in _messages(Kind.LOW_BALANCE)] == [
        "王小明 has 1 lessons of 少儿英语 left. Please renew in time."]
    today = school_today()
    first, second = make_lesson(group, today, start=9), make_lesson(group, today, start=11)
    mark_attendance(first, enrollment.student_id, AttendanceStatus.PRESENT, by=users["teacher"])  # 0 left
    db.session.commit()
    assert len(_messages(Kind.LOW_BALANCE)) == 1  # reaching zero is the job's to tell: it told already
    mark_attendance(second, enrollment.student_id, AttendanceStatus.PRESENT, by=users["teacher"], confirmed=True)
    db.session.commit()
    assert [m.body for m in _messages(Kind.LOW_BALANCE)][1:] == [
        "王小明 has -1 lessons of 少儿英语 left. Please renew in time."]
    mark_attendance(second, enrollment.student_id, AttendanceStatus.ABSENT, by=users["teacher"], confirmed=True)
    db.session.commit()
    run_jobs()
    assert len(_messages(Kind.LOW_BALANCE)) == 2


def test_a_renewal_prompt_waits_for_the_end_of_quiet_hours(family, enroll, inbox):
    family.first.parents[0].email = "wang.mama@example.com"
    db.session.add(Settings(campus_id=family.first.campus_id, notify_email=True, quiet_start=dt.time(0),
                            quiet_end=dt.time(23, 59)))
    db.session.commit()
    enroll(family.first, lessons=2)
    run_jobs()
    (email,) = _messages(Kind.LOW_BALANCE, family.account, Channel.EMAIL)
    assert email.status == DeliveryStatus.PENDING and email.send_after > utcnow() and inbox.messages == []
