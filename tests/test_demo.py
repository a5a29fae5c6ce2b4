"""The demo school (`flask demo-data`): who can log in, and that its data keeps the product's rules.

The rules are read from tests/demo_school.py's school (load_demo_data's rows, loaded once per worker); loading
itself is tested afresh: the same seed twice, the command, a failed load."""
from __future__ import annotations

import datetime as dt
from collections import defaultdict

import pytest
from sqlalchemy import func, select, text

from eduflow.demo import DEMO_PASSWORD, load_demo_data
from eduflow.extensions import db
from eduflow.models import (
    Attendance, AttendanceStatus, Base, Campus, Enrollment, FollowUp, Lead, LeadStage, LeadStageChange, Lesson,
    LessonLedgerEntry, Parent, SixSpeed, Student, StudentStatus, TrialLesson, User, Role, utcnow,
)
from eduflow.security.passwords import verify_password
from eduflow.security.phones import is_cn_mobile
from tests.demo_school import demo_school

pytestmark = pytest.mark.slow

DEDUCTING = {AttendanceStatus.PRESENT, AttendanceStatus.LATE, AttendanceStatus.ABSENT}
STAFF = {
    "admin": (Role.ADMIN, None), "manager1": (Role.MANAGER, "朝阳校区"), "sales1": (Role.SALES, "朝阳校区"),
    "sales2": (Role.SALES, "朝阳校区"), "academic1": (Role.ACADEMIC, "朝阳校区"),
    "teacher1": (Role.TEACHER, "朝阳校区"), "teacher3": (Role.TEACHER, "朝阳校区"),
    "manager2": (Role.MANAGER, "海淀校区"), "sales3": (Role.SALES, "海淀校区"), "teacher2": (Role.TEACHER, "海淀校区"),
}


def _wipe() -> None:
    db.session.rollback()
    with db.engine.begin() as conn:
        for table in reversed(Base.metadata.sorted_tables):
            conn.execute(table.delete())


def test_staff_accounts_and_leads(app):
    counts = demo_school()
    assert counts["users"] == 10 and counts["campuses"] == 2 and counts["leads"] == len(db.session.scalars(
        select(Lead.id)).all())

    users = {user.username: user for user in db.session.scalars(select(User))}
    assert {name: (u.role, u.campus.name if u.campus else None) for name, u in users.items()} == STAFF
    assert all(verify_password(user.password_hash, DEMO_PASSWORD) for user in users.values())
    assert len({user.display_name for user in users.values()}) == 10

    leads = db.session.scalars(select(Lead)).all()
    assert 280 <= len(leads) <= 320
    assert {lead.stage for lead in leads} == set(LeadStage)
    assert any(lead.owner_id is None for lead in leads)  # the pool
    for lead in leads:
        if lead.owner is not None:
            assert lead.owner.role == Role.SALES and lead.owner.campus_id == lead.campus_id
        assert (lead.stage == LeadStage.LOST) == bool(lead.lost_reason)
        assert (lead.stage == LeadStage.CONVERTED) == (lead.converted_student_id is not None)
        assert lead.courses and is_cn_mobile(lead.phone)
        if lead.source.is_referral:
            assert lead.referrer is not None and lead.referrer.campus_id == lead.campus_id
        assert lead.last_followup_at is not None and lead.last_followup_at <= utcnow()
        if lead.stage in (LeadStage.CONVERTED, LeadStage.LOST) or lead.owner_id is None:
            assert lead.next_followup_at is None
        elif lead.owner_id is not None:  # owned open leads respect the 30-day pool-return rule
            assert lead.last_followup_at >= utcnow() - dt.timedelta(days=30)
    per_campus = defaultdict(set)
    for lead in leads:
        assert lead.phone not in per_campus[lead.campus_id]
        per_campus[lead.campus_id].add(lead.phone)
    assert any(lead.next_followup_at and lead.next_followup_at < utcnow() for lead in leads)  # overdue ones

    consulted = {lead.id: lead.created_at for lead in leads}
    for lead_id, followed_at in db.session.execute(select(FollowUp.lead_id, FollowUp.followed_at)
                                                   .where(FollowUp.lead_id.is_not(None))):
        assert consulted[lead_id] <= followed_at <= utcnow()

    # The stage history ends where the lead is, and every step follows the previous one.
    history = defaultdict(list)
    for change in db.session.scalars(select(LeadStageChange).order_by(LeadStageChange.changed_at,
                                                                       LeadStageChange.id)):
        history[change.lead_id].append(change)
    for lead in leads:
        steps = history[lead.id]
        assert steps[0].from_stage is None and steps[-1].to_stage == lead.stage
        assert all(a.to_stage == b.from_stage for a, b in zip(steps, steps[1:]))

    for sheet in db.session.scalars(select(SixSpeed)):
        if sheet.actual_visit_at:
            assert sheet.promised_visit_at is not None and sheet.actual_visit_at >= sheet.promised_visit_at
        if sheet.second_visit_at:
            assert sheet.first_visit_at is not None and sheet.second_visit_at >= sheet.first_visit_at
        assert sheet.stickiness is None or sheet.stickiness.value in ("1", "2", "3")
    assert db.session.scalar(select(func.count(TrialLesson.id))) > 0

    # The scheduled rules (pool return, dormant and high-value tags) find nothing to fix.
    from eduflow.jobs import run_jobs

    assert run_jobs(dry_run=True) == []

    # Phone numbers are stored encrypted: the raw column never holds the number.
    raw = dict(db.session.execute(text("SELECT id, phone_encrypted FROM leads")).all())
    for lead in leads:
        assert lead.phone.isdigit() and lead.phone not in raw[lead.id]
        assert lead.phone_last4 == lead.phone[-4:] and lead.phone_hash != lead.phone


def test_teaching_and_ledger_integrity(app):
    demo_school()
    lessons = db.session.scalars(select(Lesson)).all()
    for key in ("teacher_id", "classroom_id"):
        booked = defaultdict(list)
        for lesson in lessons:
            booked[(getattr(lesson, key), lesson.lesson_date)].append(lesson)
        for same_day in booked.values():
            same_day.sort(key=lambda lesson: lesson.start_time)
            for before, after in zip(same_day, same_day[1:]):
                assert before.end_time <= after.start_time, f"{key} double-booked on {before.lesson_date}"

    from eduflow.i18n import school_today

    today = school_today()
    teacher1 = db.session.scalar(select(User).where(User.username == "teacher1"))
    assert any(lesson.teacher_id == teacher1.id and lesson.lesson_date == today for lesson in lessons)
    assert min(lesson.lesson_date for lesson in lessons) <= today - dt.timedelta(days=35)
    assert max(lesson.lesson_date for lesson in lessons) >= today + dt.timedelta(days=14)

    units = {lesson.id: lesson.units for lesson in lessons}
    deducted = defaultdict(int)
    for attendance in db.session.scalars(select(Attendance)):
        assert units[attendance.lesson_id] and attendance.enrollment_id is not None
        if attendance.status in DEDUCTING:
            deducted[attendance.enrollment_id] += units[attendance.lesson_id]
    ledger = dict(db.session.execute(select(LessonLedgerEntry.enrollment_id, func.sum(LessonLedgerEntry.units))
                                     .group_by(LessonLedgerEntry.enrollment_id)).all())
    balances = []
    for enrollment in db.session.scalars(select(Enrollment)):
        expected = enrollment.lessons_purchased + enrollment.gift_lessons - deducted[enrollment.id]
        assert ledger[enrollment.id] == expected, enrollment.contract_no
        assert sum(p.amount for p in enrollment.payments) <= enrollment.total_fee
        assert enrollment.contract_no.startswith("HT")
        balances.append(expected)
    assert min(balances) < 0 and sum(1 for b in balances if b <= 5) >= 3  # some families must renew
    debits = db.session.scalar(select(func.count(LessonLedgerEntry.id)).where(LessonLedgerEntry.attendance_id
                                                                               .is_not(None)))
    assert debits == db.session.scalar(select(func.count(Attendance.id)).where(Attendance.status.in_(DEDUCTING)))

    primaries = dict(db.session.execute(select(Parent.student_id, func.count(Parent.id))
                                        .where(Parent.is_primary).group_by(Parent.student_id)).all())
    students = db.session.scalars(select(Student)).all()
    assert all(primaries.get(student.id) == 1 for student in students)
    assert {student.status for student in students} >= {StudentStatus.ACTIVE, StudentStatus.SUSPENDED,
                                                         StudentStatus.GRADUATED}
    converted = db.session.scalar(select(func.count(Lead.id)).where(Lead.converted_student_id.is_not(None)))
    assert len(students) > converted  # some students did not come from a lead in the demo


def test_same_seed_same_school(app):
    now = utcnow()

    def snapshot():
        rows = db.session.execute(select(Lead.name, Lead.stage, Lead.phone_last4, Lead.consult_date)
                                  .order_by(Lead.id)).all()
        return rows, db.session.scalars(select(Enrollment.contract_no).order_by(Enrollment.id)).all()

    load_demo_data(7, now=now)
    first = snapshot()
    _wipe()
    load_demo_data(7, now=now)
    assert snapshot() == first


def test_failed_load_leaves_nothing(app, monkeypatch):
    def broken(ctx):
        raise RuntimeError("boom")

    monkeypatch.setattr("eduflow.demo.sales.build_leads", broken)
    with pytest.raises(RuntimeError, match="boom"):
        load_demo_data()
    assert db.session.scalar(select(func.count(User.id))) == 0
    assert db.session.scalar(select(func.count(Campus.id))) == 0
    assert "audit_disabled" not in db.session.info


def test_cli_loads_once(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["demo-data"])
    assert result.exit_code == 0, result.output
    assert DEMO_PASSWORD in result.output and "manager1" in result.output and "leads" in result.output
    db.session.expire_all()
    assert db.session.scalar(select(func.count(User.id))) == 10

    again = runner.invoke(args=["demo-data"])
    assert again.exit_code != 0
    quiet = runner.invoke(args=["demo-data", "--if-empty"])
    assert quiet.exit_code == 0 and "Traceback" not in quiet.output
    assert db.session.scalar(select(func.count(User.id))) == 10
