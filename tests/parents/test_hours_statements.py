"""课时明细, the hours list and the payments list cost the same few statements whatever the number of lines (no N+1)."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from eduflow.enrollments.ledger import post_entry
from eduflow.enrollments.services import record_payment
from eduflow.extensions import db
from eduflow.i18n import school_today
from eduflow.models import AttendanceStatus, LedgerKind, PaymentMethod
from tests import factories
from tests.statements import counted

TEACHERS, MARKERS = ("teacher", "teacher_b"), ("academic", "teacher", "manager")


def _enrolment_with(student, users, lessons: int, n: int):
    """An enrolment of its own course and class with `lessons` lessons: marked present (each by one of several
    markers, taught by one of several teachers), every third on leave; a gift; and `n` payments."""
    course = factories.make_course(f"课程{lessons}", total_lessons=lessons + 5, price=str(100 * (lessons + 5)))
    group = factories.make_class(course, student.campus, name=f"班级{lessons}")
    enrollment = factories.enroll(student, course, by=users["sales"], group=group, lessons=lessons + 5,
                                  fee=str(100 * (lessons + 5)), paid="1")
    post_entry(enrollment, LedgerKind.GIFT, 1, by=users["manager"], reason="赠送课时")
    for i in range(lessons):
        lesson = factories.make_lesson(group, school_today() - dt.timedelta(days=i + 1),
                                       teacher=users[TEACHERS[i % 2]])
        marker = users[MARKERS[i % 3]]
        if i % 3 == 2:
            factories.make_mark(lesson, student, AttendanceStatus.LEAVE, enrollment=enrollment, by=marker)
        else:
            factories.mark_and_debit(lesson, enrollment, by=marker)
    for _ in range(n - 1):
        record_payment(enrollment, amount=Decimal("1"), method=PaymentMethod.CASH, by=users[MARKERS[_ % 3]])
    db.session.commit()
    return enrollment


def _cost(client, url: str) -> int:
    with counted() as statements:
        response = client.get(url)
    assert response.status_code == 200
    return len(statements)


def test_the_ledger_page_costs_the_same_for_3_and_30_lessons(client, family, users, parent_login):
    small = _enrolment_with(family.first, users, 3, 1)
    large = _enrolment_with(family.first, users, 30, 1)
    parent_login()
    page = client.get(f"/p/hours/{large.id}").get_data(as_text=True)
    assert page.count('data-testid="ledger-line"') == 32  # purchase, gift, 30 lessons
    assert _cost(client, f"/p/hours/{small.id}") == _cost(client, f"/p/hours/{large.id}")


def test_the_hours_and_payments_lists_cost_the_same_for_one_and_many(client, family, users, parent_login):
    _enrolment_with(family.first, users, 1, 1)
    parent_login()
    few = {url: _cost(client, url) for url in ("/p/hours", "/p/payments")}
    for n in range(2, 6):
        _enrolment_with(family.second if n % 2 else family.first, users, n, n)
    many = {url: _cost(client, url) for url in ("/p/hours", "/p/payments")}
    assert few == many
    assert client.get("/p/payments").get_data(as_text=True).count('/receipt"') == 1 + sum(range(2, 6))
