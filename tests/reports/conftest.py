"""Builders for hand-made report fixtures: every row is written directly, at a time the test chooses.

Times are given on the school's clock (Asia/Shanghai, UTC+8) and stored as naive UTC, as the app stores them.
"""
from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

import pytest
from sqlalchemy import select

from eduflow.extensions import db
from eduflow.models import (
    AttendanceStatus, ContractStatus, Enrollment, EnrollmentStatus, LeadStage,
    LeadStageChange, LedgerKind, LessonLedgerEntry, Payment, PaymentMethod, SourceChannel,
)
from eduflow.reports.scope import ReportScope
from tests import factories

SCHOOL_OFFSET = dt.timedelta(hours=8)
_numbers = itertools.count(1)


def local(*args) -> dt.datetime:
    """A school wall-clock time as the naive UTC the database holds."""
    return dt.datetime(*args) - SCHOOL_OFFSET


@pytest.fixture
def scope_for(users, campuses):
    """scope_for("manager", "2024-03-01", "2024-03-31", campus=1) → the ReportScope the services take."""

    def make(who: str, start: str, end: str, campus: int | None = None) -> ReportScope:
        return ReportScope(user=users[who], start=dt.date.fromisoformat(start), end=dt.date.fromisoformat(end),
                           campus_id=campuses[campus].id if campus is not None else None)

    return make


@pytest.fixture
def source():
    """A source channel by name (the reference data's, or a new one)."""

    def make(name: str) -> SourceChannel:
        channel = db.session.scalar(select(SourceChannel).where(SourceChannel.name == name))
        if channel is None:
            channel = SourceChannel(name=name)
            db.session.add(channel)
            db.session.flush()
        return channel

    return make


@pytest.fixture
def make_lead(users, campuses):
    """A lead with its stage history: entered by `by` (default: its owner, else the manager), then moved through
    `history` (the stages after 新咨询, in order) by `movers` (one user key per move; default: whoever entered it)."""

    def make(name, owner="sales", campus=0, stage=LeadStage.NEW, consult=None, created=None, history=(), by=None,
             movers=(), **extra):
        lead = factories.make_lead(campuses[campus], name=name, owner=users[owner] if owner else None, stage=stage,
                                   consult_date=dt.date.fromisoformat(consult) if consult else None,
                                   created_at=created or local(2024, 3, 1, 9), **extra)
        entered_by = users[by or owner or ("manager" if campus == 0 else "manager_b")]
        db.session.add(LeadStageChange(lead_id=lead.id, from_stage=None, to_stage=LeadStage.NEW,
                                       changed_by_id=entered_by.id, changed_at=lead.created_at))
        previous = LeadStage.NEW
        for step, to_stage in enumerate(history):
            mover = users[movers[step]] if step < len(movers) else entered_by
            db.session.add(LeadStageChange(lead_id=lead.id, from_stage=previous, to_stage=to_stage,
                                           changed_by_id=mover.id,
                                           changed_at=lead.created_at + dt.timedelta(days=step + 1)))
            previous = to_stage
        db.session.flush()
        return lead

    return make


@pytest.fixture
def make_enrollment(course):
    """A contract written by hand (no ledger rows: add them with `ledger`)."""

    def make(student, of=None, group=None, status=EnrollmentStatus.ACTIVE, contract=ContractStatus.SIGNED,
             enrolled_on="2024-01-01"):
        enrollment = Enrollment(student_id=student.id, course_id=(of or course).id, class_id=group.id if group else None,
                                enrolled_on=dt.date.fromisoformat(enrolled_on), total_fee=Decimal("1000"),
                                contract_no=f"RPT-{next(_numbers)}", contract_status=contract, lessons_purchased=10,
                                status=status)
        db.session.add(enrollment)
        db.session.flush()
        return enrollment

    return make


@pytest.fixture
def ledger(users):
    """A ledger row, recorded by `by` (a user key; default: nobody)."""

    def post(enrollment, kind: LedgerKind, units: int, at: dt.datetime | None = None, attendance=None, by=None):
        entry = LessonLedgerEntry(enrollment_id=enrollment.id, student_id=enrollment.student_id, kind=kind,
                                  units=units, attendance_id=attendance.id if attendance else None,
                                  lesson_id=attendance.lesson_id if attendance else None,
                                  created_at=at or local(2024, 1, 1, 9), created_by_id=users[by].id if by else None)
        db.session.add(entry)
        db.session.flush()
        return entry

    return post


@pytest.fixture
def mark():
    def make(lesson, enrollment, status: AttendanceStatus):
        return factories.make_mark(lesson, enrollment.student, status, enrollment=enrollment)

    return make


@pytest.fixture
def pay():
    def make(enrollment, amount: str, at: dt.datetime, refund=False):
        payment = Payment(enrollment_id=enrollment.id, amount=Decimal(amount), method=PaymentMethod.CASH, paid_at=at,
                          is_refund=refund)
        db.session.add(payment)
        db.session.flush()
        return payment

    return make
