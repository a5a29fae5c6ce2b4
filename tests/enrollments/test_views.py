"""Enrolment screens over HTTP: enroll, refuse clashes, pay, change contract status, renew, scope, reminders."""
from decimal import Decimal

from sqlalchemy import func, select

from eduflow.enrollments.ledger import balance
from eduflow.extensions import db
from eduflow.submissions import new_token
from eduflow.models import (
    ContractStatus, Enrollment, EnrollmentStatus, Payment, ReminderKind, ReminderStatus, RenewalReminder,
)

HX = {"HX-Request": "true"}


def _form(course, **fields):
    data = {"course_id": course.id, "contract_no": "HT-NEW", "contract_status": "signed", "total_fee": "3000",
            "lessons_purchased": "20", "gift_lessons": "2", "enrolled_on": "2026-03-01", "paid_amount": "1000",
            "payment_method": "wechat", "submission_token": new_token()}
    return data | fields


def test_sales_enrols_their_student(client, login_as, users, course, make_student, make_class):
    student, group = make_student(), make_class()
    login_as("sales")
    assert "少儿英语" in client.get(f"/enrollments/new?student_id={student.id}").get_data(as_text=True)
    response = client.post(f"/enrollments/new?student_id={student.id}", data=_form(course, class_id=group.id))
    assert response.status_code == 302
    enrollment = db.session.scalar(select(Enrollment))
    assert (enrollment.contract_no, enrollment.class_id, balance(enrollment.id)) == ("HT-NEW", group.id, 22)
    assert db.session.scalar(select(func.sum(Payment.amount))) == Decimal("1000.00")


def test_a_duplicate_contract_number_answers_422_and_creates_nothing(client, login_as, course, make_student, enroll):
    enroll(make_student("甲"), contract_no="HT-NEW")
    student = make_student("乙")
    login_as("sales")
    response = client.post(f"/enrollments/new?student_id={student.id}", data=_form(course))
    assert response.status_code == 422 and "HT-NEW 已存在" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Enrollment.id))) == 1


def test_a_full_class_is_refused_with_a_message(client, login_as, course, make_student, make_class, enroll):
    group = make_class(capacity=1)
    enroll(make_student("甲"), class_group=group)
    student = make_student("乙")
    login_as("academic")
    response = client.post(f"/enrollments/new?student_id={student.id}",
                           data=_form(course, class_id=group.id, contract_no="HT-2"))
    assert response.status_code == 422 and "已满" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Enrollment.id))) == 1


def test_a_payment_over_the_fee_on_the_form_is_refused(client, login_as, course, make_student):
    student = make_student()
    login_as("sales")
    response = client.post(f"/enrollments/new?student_id={student.id}", data=_form(course, paid_amount="3000.01"))
    assert response.status_code == 422 and db.session.scalar(select(func.count(Enrollment.id))) == 0


def test_without_a_student_the_page_finds_one(client, login_as, make_student):
    make_student("王小明")
    make_student("王小红", owner="sales2")
    login_as("sales")
    page = client.get("/enrollments/new?q=王").get_data(as_text=True)
    assert "王小明" in page and "王小红" not in page


def test_the_list_shows_paid_outstanding_and_remaining(client, login_as, make_student, enroll):
    enrollment = enroll(make_student("张三"), fee="3000", paid="1000", lessons=12, gift=3)
    login_as("manager")
    response = client.get("/enrollments?owing=y", headers=HX)
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in body and "张三" in body
    assert "1000.00" in body and "2000.00" in body and 'data-testid="row-remaining">15<' in body
    assert enrollment.contract_no in client.get("/enrollments?q=zs").get_data(as_text=True)


def test_recording_a_payment_updates_paid_and_outstanding(client, login_as, make_student, enroll):
    enrollment = enroll(make_student(), fee="3000", paid="1000")
    login_as("academic")
    response = client.post(f"/enrollments/{enrollment.id}/payments", headers=HX,
                           data={"amount": "500", "method": "cash", "paid_at": "2026-03-01T10:30", "note": "二期",
                                 "submission_token": new_token()})
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in body
    assert 'data-testid="paid-amount">1500.00<' in body and 'data-testid="outstanding-amount">1500.00<' in body
    payment = db.session.scalar(select(Payment).where(Payment.note == "二期"))
    assert payment.paid_at.strftime("%Y-%m-%d %H:%M") == "2026-03-01 02:30", "school time is stored as UTC"


def test_a_payment_over_the_outstanding_amount_answers_422(client, login_as, make_student, enroll):
    enrollment = enroll(make_student(), fee="3000", paid="2900")
    login_as("sales")
    response = client.post(f"/enrollments/{enrollment.id}/payments", headers=HX,
                           data={"amount": "100.01", "method": "cash", "paid_at": "2026-03-01T10:30",
                                 "submission_token": new_token()})
    assert response.status_code == 422 and "超过待收金额" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Payment.id))) == 1


def test_voiding_a_contract_with_attendance_answers_422(client, login_as, make_student, make_class, enroll, attend):
    enrollment = enroll(make_student(), class_group=make_class())
    attend(enrollment)
    login_as("manager")
    response = client.post(f"/enrollments/{enrollment.id}/contract-status", data={"status": "void"}, headers=HX)
    assert response.status_code == 422 and "考勤" in response.get_data(as_text=True)
    db.session.refresh(enrollment)
    assert enrollment.contract_status == ContractStatus.SIGNED


def test_a_status_that_does_not_exist_answers_422(client, login_as, make_student, enroll):
    enrollment = enroll(make_student())
    login_as("manager")
    response = client.post(f"/enrollments/{enrollment.id}/contract-status", data={"status": "lost"}, headers=HX)
    assert response.status_code == 422


def test_renewing_as_a_new_contract_over_http(client, login_as, make_student, make_class, enroll):
    old = enroll(make_student(), class_group=make_class(), lessons=4)
    login_as("sales")
    assert client.get(f"/enrollments/{old.id}/renew").status_code == 200
    response = client.post(f"/enrollments/{old.id}/renew", data={
        "mode": "new", "contract_no": "HT-R1", "contract_status": "signed", "lessons": "10", "gift_lessons": "0",
        "fee": "3000", "paid_amount": "3000", "payment_method": "card", "renewed_on": "2026-03-01",
        "submission_token": new_token()})
    new = db.session.scalar(select(Enrollment).where(Enrollment.contract_no == "HT-R1"))
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/enrollments/{new.id}")
    db.session.refresh(old)
    assert old.status == EnrollmentStatus.FINISHED and balance(new.id) == 14


def test_a_new_contract_renewal_needs_a_contract_number(client, login_as, make_student, enroll):
    old = enroll(make_student())
    login_as("sales")
    response = client.post(f"/enrollments/{old.id}/renew", data={
        "mode": "new", "lessons": "10", "fee": "3000", "renewed_on": "2026-03-01"})
    assert response.status_code == 422 and "新合同编号" in response.get_data(as_text=True)


def test_another_campus_enrolment_is_404(client, login_as, make_student, enroll):
    other = enroll(make_student("乙方", owner="sales_b", campus=1), by="sales_b")
    for who in ("manager", "academic"):
        login_as.logout()
        login_as(who)
        assert client.get(f"/enrollments/{other.id}").status_code == 404
        assert client.post(f"/enrollments/{other.id}/payments", data={"amount": "1", "method": "cash",
                                                                      "paid_at": "2026-03-01T10:00"}).status_code == 404
    assert db.session.scalar(select(func.count(Payment.id))) == 0


def test_sales2_gets_404_on_the_enrolment_of_a_student_of_sales(client, login_as, make_student, enroll):
    enrollment = enroll(make_student())
    login_as("sales2")
    assert client.get(f"/enrollments/{enrollment.id}").status_code == 404
    assert client.get(f"/enrollments/{enrollment.id}/renew").status_code == 404
    assert client.get(f"/enrollments/new?student_id={enrollment.student_id}").status_code == 404
    assert enrollment.contract_no not in client.get("/enrollments").get_data(as_text=True)


def _reminder(users, enrollment, kind=ReminderKind.LOW_HOURS, urgent=False):
    reminder = RenewalReminder(student_id=enrollment.student_id, enrollment_id=enrollment.id, kind=kind,
                               trigger_value="-1" if urgent else "3", is_urgent=urgent,
                               assigned_to_id=users["sales"].id)
    db.session.add(reminder)
    db.session.commit()
    return reminder


def test_reminders_list_urgent_first(client, login_as, users, make_student, enroll):
    calm = _reminder(users, enroll(make_student("平常")))
    urgent = _reminder(users, enroll(make_student("紧急生")), urgent=True)
    login_as("sales")
    body = client.get("/enrollments/reminders").get_data(as_text=True)
    assert body.index(f'id="reminder-{urgent.id}"') < body.index(f'id="reminder-{calm.id}"')
    login_as.logout()
    login_as("sales2")
    assert "紧急生" not in client.get("/enrollments/reminders").get_data(as_text=True)


def test_processing_and_ignoring_reminders(client, login_as, users, make_student, enroll):
    first = _reminder(users, enroll(make_student("甲")))
    second = _reminder(users, enroll(make_student("乙")))
    login_as("sales")
    done = client.post(f"/enrollments/reminders/{first.id}/process", headers=HX,
                       data={"action": "processed", "note": "家长已续费意向"})
    assert done.status_code == 200 and 'data-testid="reminder-done"' in done.get_data(as_text=True)
    refused = client.post(f"/enrollments/reminders/{second.id}/process", headers=HX, data={"action": "ignored"})
    assert refused.status_code == 422 and "需要填写备注" in refused.get_data(as_text=True)
    assert client.post(f"/enrollments/reminders/{second.id}/process", headers=HX,
                       data={"action": "ignored", "note": "已转学"}).status_code == 200
    again = client.post(f"/enrollments/reminders/{first.id}/process", headers=HX, data={"action": "processed"})
    assert again.status_code == 409
    db.session.expire_all()
    assert (first.status, first.notes, second.status) == (ReminderStatus.PROCESSED, "家长已续费意向",
                                                          ReminderStatus.IGNORED)


def test_another_salesperson_cannot_process_my_reminder(client, login_as, users, make_student, enroll):
    reminder = _reminder(users, enroll(make_student()))
    login_as("sales2")
    assert client.post(f"/enrollments/reminders/{reminder.id}/process",
                       data={"action": "processed"}).status_code == 404
    login_as.logout()
    login_as("manager_b")
    assert client.post(f"/enrollments/reminders/{reminder.id}/process",
                       data={"action": "processed"}).status_code == 404
    db.session.refresh(reminder)
    assert reminder.status == ReminderStatus.PENDING
