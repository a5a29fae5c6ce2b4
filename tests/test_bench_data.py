"""The large-school generator at a thousandth of its size: counts, ledgers, phones, history and the sample."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select, text

from eduflow.benchdata import BENCH_PASSWORD, build, sample
from eduflow.benchdata.context import sizes
from eduflow.extensions import db
from eduflow.i18n import school_today
from eduflow.leads.queries import search_clause
from eduflow.models import (
    Attendance, AttendanceStatus, Campus, ClassGroup, Enrollment, EnrollmentStatus, FollowUp, Lead, LeadStage,
    LeadStageChange, Lesson, LessonLedgerEntry, Parent, Payment, SixSpeed, Student, User,
)
from eduflow.security.crypto import blind_index
from eduflow.security.phones import is_cn_mobile

SCALE = 0.001
OPEN = (LeadStage.NEW, LeadStage.CONTACTED, LeadStage.INTENT, LeadStage.PENDING)


def count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


@pytest.fixture
def school():
    return build(1, SCALE)


def test_full_size_is_a_chain_campus():
    full = sizes(1.0)
    assert (full["leads"], full["follow_ups"], full["students"], full["classes"], full["lessons"],
            full["attendance"], full["sales"]) == (100_000, 1_000_000, 5_000, 200, 20_000, 300_000, 30)


def test_counts_follow_the_scale_on_every_campus():
    build(2, SCALE)
    size = sizes(SCALE)
    assert count(Campus) == 2
    assert count(Lead) == 2 * size["leads"]
    assert count(FollowUp) == 2 * size["follow_ups"]
    assert count(Student) == 2 * size["students"]
    assert count(ClassGroup) == 2 * size["classes"]
    assert count(Lesson) == 2 * size["lessons"]
    assert count(Attendance) == 2 * size["attendance"]
    assert count(User) == 1 + 2 * (2 + size["sales"] + size["teachers"])
    assert count(Parent) >= count(Student)
    assert count(SixSpeed) > 0
    second = sample(db.session.scalar(select(func.max(Campus.id))))
    assert second.manager == "bench-c2-manager" and second.sales == "bench-c2-sales01"


def test_every_balance_is_the_sum_of_its_ledger(school):
    deducting = (AttendanceStatus.PRESENT, AttendanceStatus.LATE, AttendanceStatus.ABSENT)
    ledger = dict(db.session.execute(select(LessonLedgerEntry.enrollment_id, func.sum(LessonLedgerEntry.units))
                                     .group_by(LessonLedgerEntry.enrollment_id)).all())
    taken = dict(db.session.execute(
        select(Attendance.enrollment_id, func.sum(Lesson.units)).join(Lesson, Lesson.id == Attendance.lesson_id)
        .where(Attendance.status.in_(deducting)).group_by(Attendance.enrollment_id)).all())
    enrollments = db.session.scalars(select(Enrollment)).all()
    assert enrollments
    for enrollment in enrollments:
        expected = enrollment.lessons_purchased + enrollment.gift_lessons - taken.get(enrollment.id, 0)
        assert ledger[enrollment.id] == expected
    mark_totals = db.session.execute(
        select(Attendance.status, Lesson.units, func.coalesce(func.sum(LessonLedgerEntry.units), 0))
        .join(Lesson, Lesson.id == Attendance.lesson_id)
        .outerjoin(LessonLedgerEntry, LessonLedgerEntry.attendance_id == Attendance.id)
        .group_by(Attendance.id, Attendance.status, Lesson.units)).all()
    assert all(total == (-units if status in deducting else 0) for status, units, total in mark_totals)
    assert count(Payment) > 0


def test_phones_are_stored_encrypted_once_and_found_by_last_four(school):
    raw = db.session.execute(text("SELECT id, phone_encrypted FROM leads ORDER BY id LIMIT 5")).all()
    for lead_id, stored in raw:
        lead = db.session.get(Lead, lead_id)
        assert stored.startswith("v1.") and stored != lead.phone
        assert is_cn_mobile(lead.phone) and lead.phone_hash == blind_index(lead.phone)
        found = db.session.scalars(select(Lead.id).where(Lead.campus_id == lead.campus_id,
                                                         search_clause(lead.phone[-4:]))).all()
        assert lead_id in found
    student = db.session.scalars(select(Student)).first()
    assert is_cn_mobile(student.phone) and student.parents[0].phone == student.phone


def test_lead_history_agrees_with_the_lead(school):
    last_stage = db.session.execute(
        select(LeadStageChange.lead_id, LeadStageChange.to_stage).order_by(LeadStageChange.lead_id,
                                                                          LeadStageChange.changed_at,
                                                                          LeadStageChange.id)).all()
    final = {lead_id: stage for lead_id, stage in last_stage}
    last_follow_up = dict(db.session.execute(select(FollowUp.lead_id, func.max(FollowUp.followed_at))
                                             .group_by(FollowUp.lead_id)).all())
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    for lead in db.session.scalars(select(Lead)):
        assert final[lead.id] == lead.stage
        assert last_follow_up[lead.id] == lead.last_followup_at <= now
        if lead.stage in OPEN and lead.owner_id is not None:
            assert lead.next_followup_at is not None and lead.last_followup_at > now - dt.timedelta(days=30)
        else:
            assert lead.next_followup_at is None
    assert count(Lead, Lead.owner_id.is_(None)) > 0
    assert count(Lead, Lead.next_followup_at < now, Lead.stage.in_(OPEN)) > 0


def test_sample_names_records_that_exist(school, client):
    size = sizes(SCALE)
    sales = db.session.scalar(select(User).where(User.username == school.sales))
    busy = db.session.get(Lead, school.busy_lead_id)
    assert busy.owner_id == sales.id
    assert count(FollowUp, FollowUp.lead_id == busy.id) >= size["busy_follow_ups"]
    movable = db.session.scalars(select(Lead).where(Lead.id.in_(school.movable_lead_ids))).all()
    assert movable and all(lead.owner_id == sales.id and lead.stage in OPEN for lead in movable)
    assert count(Enrollment, Enrollment.student_id == school.student_id) >= 2
    assert db.session.get(Enrollment, school.enrollment_id).student_id == school.student_id
    assert db.session.get(ClassGroup, school.class_id) is not None
    response = client.post("/login", data={"username": school.manager, "password": BENCH_PASSWORD})
    assert response.status_code == 302


def test_sheet_lessons_are_today_unmarked_with_lessons_left(school):
    teacher = db.session.scalar(select(User).where(User.username == school.teacher))
    assert school.sheet_lesson_ids
    for lesson in db.session.scalars(select(Lesson).where(Lesson.id.in_(school.sheet_lesson_ids))):
        assert lesson.lesson_date == school_today() and lesson.teacher_id == teacher.id
        assert count(Attendance, Attendance.lesson_id == lesson.id) == 0
        enrolled = db.session.scalars(select(Enrollment.id).where(
            Enrollment.class_id == lesson.class_id, Enrollment.status == EnrollmentStatus.ACTIVE)).all()
        assert len(enrolled) == min(40, sizes(SCALE)["students"])
        for enrollment_id in enrolled:
            assert db.session.scalar(select(func.sum(LessonLedgerEntry.units))
                                     .where(LessonLedgerEntry.enrollment_id == enrollment_id)) > 0


def test_rollups_equal_the_raw_rows(school):
    from eduflow.rollups import differences_all

    assert differences_all() == []
