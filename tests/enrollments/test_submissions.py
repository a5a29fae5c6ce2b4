"""Double submits: every form that creates money or lesson hours is acted on once per one-time token.

Run it on every database: EDUFLOW_TEST_DATABASE_URL=postgresql+psycopg://… or mysql+pymysql://… (see tests/conftest.py).
"""
from __future__ import annotations

import re
import threading
from decimal import Decimal

import pytest
from flask import Response
from sqlalchemy import func, select

from eduflow.enrollments.ledger import balance
from eduflow.domain import DomainError
from eduflow.enrollments.services import record_payment
from eduflow.extensions import db
from eduflow.models import (
    Enrollment, EnrollmentStatus, LedgerKind, LessonLedgerEntry, Payment, PaymentMethod, StatusChange,
    StatusChangeKind, Student, SubmissionToken, User,
)
from eduflow.students.status_changes import StatusRequest, request_change
from eduflow.submissions import SubmissionExpired, claim, keep_answer, new_token
from tests.concurrency import posts_at_once
from tests import factories

HX = {"HX-Request": "true"}
REPEATS = 10


def _count(model) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model))


def _token(html: str, form_testid: str | None = None) -> str:
    """The one-time token the page's form carries (of the form after `form_testid`, when given)."""
    if form_testid:
        html = html[html.index(form_testid):]
    return re.search(r'name="submission_token"[^>]*value="([^"]+)"', html).group(1)


def _ten(client, url, data, headers=None):
    """The same POST ten times; every answer must be the first one."""
    answers = [client.post(url, data=data, headers=headers or {}) for _ in range(REPEATS)]
    first = answers[0]
    assert first.status_code in (200, 302), first.get_data(as_text=True)
    for again in answers[1:]:
        assert (again.status_code, again.headers.get("Location")) == (first.status_code, first.headers.get("Location"))
        assert again.get_data() == first.get_data()
    return first


# ---------- over HTTP, one after another ----------

def test_ten_identical_enrolment_posts_enrol_once(client, login_as, course, make_student):
    student = make_student()
    login_as("sales")
    url = f"/enrollments/new?student_id={student.id}"
    data = {"course_id": course.id, "contract_no": "HT-ONCE", "contract_status": "signed", "total_fee": "3000",
            "lessons_purchased": "20", "gift_lessons": "2", "enrolled_on": "2026-03-01", "paid_amount": "1000",
            "payment_method": "wechat", "submission_token": _token(client.get(url).get_data(as_text=True))}
    _ten(client, url, data)
    assert (_count(Enrollment), _count(Payment), _count(LessonLedgerEntry)) == (1, 1, 2)


def test_ten_identical_payment_posts_book_one_payment(client, login_as, make_student, enroll):
    enrollment = enroll(make_student(), fee="3000", paid="1000")
    login_as("academic")
    page = client.get(f"/enrollments/{enrollment.id}").get_data(as_text=True)
    data = {"amount": "500", "method": "cash", "paid_at": "2026-03-01T10:30",
            "submission_token": _token(page, 'data-testid="payment-form"')}
    answer = _ten(client, f"/enrollments/{enrollment.id}/payments", data, HX)
    assert "1500.00" in answer.get_data(as_text=True)
    assert _count(Payment) == 2


def test_ten_identical_renewals_add_the_lessons_once(client, login_as, make_student, enroll):
    enrollment = enroll(make_student(), fee="3000", paid="3000")
    login_as("sales")
    url = f"/enrollments/{enrollment.id}/renew"
    data = {"mode": "same", "lessons": "10", "gift_lessons": "1", "fee": "1500", "paid_amount": "1500",
            "payment_method": "cash", "submission_token": _token(client.get(url).get_data(as_text=True))}
    _ten(client, url, data)
    assert balance(enrollment.id) == 31 and _count(Payment) == 2


def test_ten_identical_renewals_as_a_new_contract_sign_it_once(client, login_as, make_student, enroll):
    enrollment = enroll(make_student(), fee="3000", paid="3000")
    login_as("sales")
    url = f"/enrollments/{enrollment.id}/renew"
    data = {"mode": "new", "contract_no": "HT-NEXT", "contract_status": "signed", "lessons": "10", "fee": "1500",
            "paid_amount": "1500", "payment_method": "cash", "renewed_on": "2026-03-01",
            "submission_token": _token(client.get(url).get_data(as_text=True))}
    first = _ten(client, url, data)
    successor = db.session.scalar(select(Enrollment).where(Enrollment.contract_no == "HT-NEXT"))
    assert first.headers["Location"].endswith(f"/enrollments/{successor.id}")
    assert _count(Enrollment) == 2 and balance(successor.id) == 30


def _refund_request(client, student, enrollment):
    url = f"/students/{student.id}/status-requests"
    page = client.get(f"{url}?kind=refund&enrollment={enrollment.id}").get_data(as_text=True)
    return url, {"kind": "refund", "reason": "搬家", "enrollment": str(enrollment.id),
                 "submission_token": _token(page)}


def test_ten_identical_refund_requests_file_one(client, login_as, make_student, enroll):
    student = make_student()
    enrollment = enroll(student, fee="3000", paid="3000")
    login_as("sales")
    _ten(client, *_refund_request(client, student, enrollment))
    assert _count(StatusChange) == 1


def test_ten_identical_refund_approvals_pay_back_once(client, login_as, users, make_student, enroll):
    student = make_student()
    enrollment = enroll(student, fee="3000", paid="3000")
    change = request_change(student, StatusRequest(kind=StatusChangeKind.REFUND, reason="搬家",
                                                   enrollment_id=enrollment.id), by=users["sales"])
    db.session.commit()
    login_as("manager")
    page = client.get("/students/approvals").get_data(as_text=True)
    data = {"decision": "approve", "refund_method": "cash",
            "submission_token": _token(page, f'data-testid="decide-form-{change.id}"')}
    answer = _ten(client, f"/students/status-requests/{change.id}/decide", data, HX)
    assert "已批准" in answer.get_data(as_text=True)
    refunds = db.session.scalar(select(func.count(Payment.id)).where(Payment.is_refund.is_(True)))
    assert refunds == 1 and balance(enrollment.id) == 0


def test_ten_identical_conversions_with_an_enrolment_convert_once(client, login_as, users, campuses, course):
    lead = factories.make_lead(campuses[0], owner=users["sales"])
    db.session.commit()
    login_as("sales")
    url = f"/leads/{lead.id}/convert"
    data = {"version": lead.version, "student_name": "张三", "gender": "male", "parent_name": "张妈妈",
            "enroll": "y", "course_id": course.id, "contract_no": "HT-LEAD", "total_fee": "3000",
            "lessons_purchased": "20", "paid_amount": "3000", "payment_method": "wechat",
            "submission_token": _token(client.get(url).get_data(as_text=True))}
    _ten(client, url, data)
    assert (_count(Student), _count(Enrollment), _count(Payment)) == (1, 1, 1)


# ---------- the token's rules ----------

def test_a_money_form_without_its_token_is_refused_and_writes_nothing(client, login_as, make_student, enroll):
    enrollment = enroll(make_student(), fee="3000", paid="1000")
    login_as("academic")
    response = client.post(f"/enrollments/{enrollment.id}/payments", headers=HX,
                           data={"amount": "500", "method": "cash", "paid_at": "2026-03-01T10:30"})
    assert response.status_code == 422 and "页面已过期" in response.get_data(as_text=True)
    assert _count(Payment) == 1


def test_a_refused_submission_leaves_its_token_for_the_corrected_one(client, login_as, make_student, enroll):
    enrollment = enroll(make_student(), fee="3000", paid="2900")
    login_as("sales")
    url, token = f"/enrollments/{enrollment.id}/payments", new_token()
    data = {"method": "cash", "paid_at": "2026-03-01T10:30", "submission_token": token}
    assert client.post(url, headers=HX, data=data | {"amount": "500"}).status_code == 422  # over what is owed
    assert _count(SubmissionToken) == 0
    assert client.post(url, headers=HX, data=data | {"amount": "100"}).status_code == 200
    assert _count(Payment) == 2


def test_another_users_token_is_not_replayed(client, login_as, users, make_student, enroll):
    enrollment = enroll(make_student(), fee="3000", paid="1000")
    token = new_token()
    data = {"amount": "500", "method": "cash", "paid_at": "2026-03-01T10:30", "submission_token": token}
    login_as("academic")
    client.post(f"/enrollments/{enrollment.id}/payments", headers=HX, data=data)
    login_as.logout()
    login_as("manager")
    response = client.post(f"/enrollments/{enrollment.id}/payments", headers=HX, data=data)
    assert response.status_code == 409 and "页面已过期" in response.get_data(as_text=True)
    assert _count(Payment) == 2


def test_claiming_a_token_twice_returns_the_first_claim(users):
    token = new_token()
    assert claim(token, users["sales"], "enrollments.payment_new") is None
    db.session.commit()
    earlier = claim(token, users["sales"], "enrollments.payment_new")
    assert earlier is not None and earlier.user_id == users["sales"].id
    with pytest.raises(SubmissionExpired):
        claim(token, users["sales"], "enrollments.new")
    with pytest.raises(DomainError):
        claim(token, users["manager"], "enrollments.payment_new")


# ---------- ten at the same moment ----------

def _post_together(app, client, url, data, headers=None):
    """Ten clients sharing the signed-in session post at once; returns their answers (or exceptions)."""
    return posts_at_once(app, client, REPEATS, url, data, headers)


def test_ten_payment_posts_at_once_book_one_payment(app, client, login_as, make_student, enroll):
    enrollment = enroll(make_student(), fee="3000", paid="1000")
    login_as("academic")
    data = {"amount": "500", "method": "cash", "paid_at": "2026-03-01T10:30", "submission_token": new_token()}
    answers = _post_together(app, client, f"/enrollments/{enrollment.id}/payments", data, HX)
    assert [getattr(a, "status_code", a) for a in answers] == [200] * REPEATS, answers
    assert len({a.get_data() for a in answers}) == 1
    assert _count(Payment) == 2


def test_ten_enrolment_posts_at_once_enrol_once(app, client, login_as, course, make_student):
    student = make_student()
    login_as("sales")
    data = {"course_id": course.id, "contract_no": "HT-RACE", "contract_status": "signed", "total_fee": "3000",
            "lessons_purchased": "20", "enrolled_on": "2026-03-01", "paid_amount": "3000",
            "payment_method": "wechat", "submission_token": new_token()}
    answers = _post_together(app, client, f"/enrollments/new?student_id={student.id}", data)
    assert [getattr(a, "status_code", a) for a in answers] == [302] * REPEATS, answers
    assert len({a.headers["Location"] for a in answers}) == 1
    assert (_count(Enrollment), _count(Payment)) == (1, 1)
    assert db.session.scalar(select(Enrollment.status)) == EnrollmentStatus.ACTIVE
    assert db.session.scalar(select(func.count(LessonLedgerEntry.id)).where(
        LessonLedgerEntry.kind == LedgerKind.PURCHASE)) == 1
    assert Decimal("3000.00") == db.session.scalar(select(func.sum(Payment.amount)))


def test_ten_claims_at_once_let_one_payment_through(app, users, make_student, enroll):
    """The service alone: ten transactions claim one token, each then books a payment; only the first commits."""
    enrollment = enroll(make_student(), fee="3000", paid="1000")
    token, start, outcomes = new_token(), threading.Barrier(REPEATS), []

    def book(user_id: int) -> None:
        with app.test_request_context():
            try:
                user = db.session.get(User, user_id)
                start.wait()
                if claim(token, user, "enrollments.payment_new") is not None:
                    outcomes.append("replayed")
                    return
                record_payment(db.session.get(Enrollment, enrollment.id), amount=Decimal("100"),
                               method=PaymentMethod.CASH, by=user)
                keep_answer(db.session.get(SubmissionToken, token), Response("paid", status=200), [])
                db.session.commit()
                outcomes.append("booked")
            except Exception as exc:  # noqa: BLE001 - reported by the test
                db.session.rollback()
                outcomes.append(exc)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=book, args=(users["academic"].id,)) for _ in range(REPEATS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(map(str, outcomes)) == ["booked"] + ["replayed"] * (REPEATS - 1), outcomes
    assert _count(Payment) == 2
