"""The school reports against hand-computed fixtures: consumption and revenue per month, attendance rates,
renewal rate and low balances."""
from __future__ import annotations

from decimal import Decimal

import pytest

from eduflow.extensions import db
from eduflow.models import (
    AttendanceStatus, ContractStatus, EnrollmentStatus, LedgerKind, ReminderKind, RenewalReminder, Settings,
    Student,
)
from eduflow.reports.services_school import attendance, low_balances, money_by_month, renewals
from tests import factories
from tests.reports.conftest import local

A = AttendanceStatus
MARCH = ("2024-03-01", "2024-03-31")


def test_consumption_and_revenue_per_month(make_student, make_enrollment, make_class, make_lesson, mark, ledger,
                                           pay, scope_for):
    group = make_class()
    enrollment = make_enrollment(make_student("小明"), group=group)
    ledger(enrollment, LedgerKind.PURCHASE, 10)  # a credit: not consumption
    january = mark(make_lesson(group, "2024-01-20", units=2), enrollment, A.PRESENT)
    ledger(enrollment, LedgerKind.ATTENDANCE, -2, attendance=january)
    february = mark(make_lesson(group, "2024-02-05"), enrollment, A.LEAVE)
    ledger(enrollment, LedgerKind.ATTENDANCE, -1, attendance=february)  # first marked absent …
    ledger(enrollment, LedgerKind.CORRECTION, 1, attendance=february)  # … then corrected to leave
    march = mark(make_lesson(group, "2024-03-03"), enrollment, A.LATE)
    ledger(enrollment, LedgerKind.ATTENDANCE, -1, attendance=march)
    ledger(enrollment, LedgerKind.REFUND, -3, at=local(2024, 3, 20, 9))  # not consumption either
    pay(enrollment, "1000.00", local(2024, 1, 10, 10))
    pay(enrollment, "500.50", local(2024, 3, 1, 0, 30))  # 29 February in UTC, March at school
    pay(enrollment, "200.00", local(2024, 3, 15, 10), refund=True)
    pay(enrollment, "999.00", local(2023, 12, 31, 23))  # before the period
    other = make_enrollment(make_student("他校", owner="sales_b", campus=1))
    pay(other, "777.00", local(2024, 3, 2, 10))
    db.session.commit()

    rows = money_by_month(scope_for("manager", "2024-01-01", "2024-03-31"))
    assert [(r.month.label, r.consumed, r.received, r.refunded, r.revenue) for r in rows] == [
        ("2024-01", 2, Decimal("1000.00"), Decimal("0.00"), Decimal("1000.00")),
        ("2024-02", 0, Decimal("0.00"), Decimal("0.00"), Decimal("0.00")),
        ("2024-03", 1, Decimal("500.50"), Decimal("200.00"), Decimal("300.50")),
    ]
    everyone = money_by_month(scope_for("admin", *MARCH))
    assert [(r.received, r.refunded) for r in everyone] == [(Decimal("1277.50"), Decimal("200.00"))]


def test_months_are_clipped_to_the_period(scope_for):
    months = scope_for("manager", "2024-01-15", "2024-03-10").months()
    assert [(m.label, m.first.isoformat(), m.last.isoformat()) for m in months] == [
        ("2024-01", "2024-01-15", "2024-01-31"), ("2024-02", "2024-02-01", "2024-02-29"),
        ("2024-03", "2024-03-01", "2024-03-10")]


def test_attendance_rate_per_class_and_teacher(make_student, make_enrollment, make_class, make_lesson, mark,
                                               scope_for):
    first, second = make_class("英语A班"), make_class("英语B班")
    students = [make_enrollment(make_student(f"学员{i}"), group=first) for i in range(4)]
    lesson = make_lesson(first, "2024-03-03")
    for enrollment, status in zip(students, (A.PRESENT, A.LATE, A.ABSENT, A.LEAVE)):
        mark(lesson, enrollment, status)
    again = make_lesson(first, "2024-03-10")
    mark(again, students[0], A.PRESENT)
    mark(again, students[1], A.PRESENT)
    mark(make_lesson(second, "2024-03-12", teacher=None), make_enrollment(make_student("学员5"), group=second),
         A.ABSENT)
    mark(make_lesson(first, "2024-04-01"), students[0], A.ABSENT)  # after the period
    far = make_class("他校班", campus=1)
    mark(make_lesson(far, "2024-03-05", teacher="teacher_b"),
         make_enrollment(make_student("他校生", owner="sales_b", campus=1), group=far), A.ABSENT)
    db.session.commit()

    report = attendance(scope_for("manager", *MARCH))
    assert [(r.label, r.detail, r.marks, r.present, r.late, r.leave, r.absent, r.rate) for r in report.classes] == [
        ("英语A班", "少儿英语", 6, 3, 1, 1, 1, Decimal("66.7")), ("英语B班", "少儿英语", 1, 0, 0, 0, 1, Decimal("0.0"))]
    assert [(r.label, r.marks, r.rate) for r in report.teachers] == [
        ("Teacher", 6, Decimal("66.7")), ("未指定教师", 1, Decimal("0.0"))]
    assert [r.label for r in attendance(scope_for("admin", *MARCH)).classes] == ["他校班", "英语A班", "英语B班"]


def _remind(enrollment, at, kind=ReminderKind.LOW_HOURS):
    """A reminder assigned, as the job does, to the student's salesperson when it is raised."""
    owner = db.session.get(Student, enrollment.student_id).owner_id
    db.session.add(RenewalReminder(student_id=enrollment.student_id, enrollment_id=enrollment.id, kind=kind,
                                   reminded_at=at, assigned_to_id=owner))


def test_renewal_rate_of_the_enrolments_that_came_due(make_student, make_enrollment, ledger, scope_for):
    # Renewed on the same contract after the reminder.
    renewed_same = make_enrollment(make_student("续原合同"))
    ledger(renewed_same, LedgerKind.PURCHASE, 10, at=local(2024, 1, 2, 9))
    _remind(renewed_same, local(2024, 3, 5, 9))
    ledger(renewed_same, LedgerKind.PURCHASE, 20, at=local(2024, 3, 8, 9), by="sales")
    # Renewed with a new contract for the same course.
    student = make_student("签新合同")
    old = make_enrollment(student, status=EnrollmentStatus.FINISHED)
    _remind(old, local(2024, 3, 10, 9))
    ledger(make_enrollment(student), LedgerKind.PURCHASE, 20, at=local(2024, 3, 20, 9), by="sales")
    # Two reminders, one enrolment; bought only another course after it: not renewed.
    other_owner = make_student("未续费", owner="sales2")
    lapsed = make_enrollment(other_owner)
    ledger(lapsed, LedgerKind.PURCHASE, 10, at=local(2024, 3, 1, 9))
    _remind(lapsed, local(2024, 3, 12, 9))
    _remind(lapsed, local(2024, 3, 15, 9), ReminderKind.CONTRACT_EXPIRY)
    art = factories.make_course("美术", price="100")
    ledger(make_enrollment(other_owner, of=art), LedgerKind.PURCHASE, 5, at=local(2024, 3, 20, 9), by="sales2")
    # Due before the period: not counted.
    _remind(make_enrollment(make_student("二月到期")), local(2024, 2, 20, 9))
    db.session.commit()

    report = renewals(scope_for("manager", *MARCH))
    assert [(r.label, r.due, r.renewed, r.rate) for r in report.by_person] == [
        ("Sales", 2, 2, Decimal("100.0")), ("Sales2", 1, 0, Decimal("0.0"))]
    assert (report.overall.due, report.overall.renewed, report.overall.rate) == (3, 2, Decimal("66.7"))
    mine = renewals(scope_for("sales", *MARCH))
    assert (mine.overall.due, mine.overall.renewed) == (2, 2) and [r.label for r in mine.by_person] == ["Sales"]


@pytest.fixture
def balances(make_student, make_enrollment, ledger, campuses):
    """Campus one keeps the default threshold (5); campus two lowers it to 2."""
    db.session.add(Settings(campus_id=campuses[1].id, low_hours_threshold=2))

    def contract(name, remaining, owner="sales", campus=0, **extra):
        enrollment = make_enrollment(make_student(name, owner=owner, campus=campus), **extra)
        ledger(enrollment, LedgerKind.PURCHASE, 10)
        ledger(enrollment, LedgerKind.ATTENDANCE, remaining - 10)
        return enrollment

    contract("三课时", 3)
    contract("欠课时", -2)
    contract("六课时", 6)
    contract("刚好五", 5, owner="sales2")
    contract("已结束", 0, status=EnrollmentStatus.FINISHED)
    contract("已作废", 0, contract=ContractStatus.VOID)
    contract("他校三", 3, owner="sales_b", campus=1)
    contract("他校二", 2, owner="sales_b", campus=1)
    db.session.commit()


def test_low_balances_at_or_below_the_campus_threshold_lowest_first(balances, scope_for):
    rows = low_balances(scope_for("manager", *MARCH))
    assert [(r.student, r.remaining, r.threshold, r.owner) for r in rows] == [
        ("欠课时", -2, 5, "Sales"), ("三课时", 3, 5, "Sales"), ("刚好五", 5, 5, "Sales2")]


def test_low_balances_follow_each_campus_threshold_and_scope(balances, scope_for):
    assert [r.student for r in low_balances(scope_for("admin", *MARCH))] == ["欠课时", "他校二", "三课时", "刚好五"]
    assert [(r.student, r.threshold) for r in low_balances(scope_for("admin", *MARCH, campus=1))] == [("他校二", 2)]
    assert [r.student for r in low_balances(scope_for("sales", *MARCH))] == ["欠课时", "三课时"]
