"""The sales reports against hand-computed fixtures: funnel, six-speed, follow-up activity and referrals.

The period is March 2024 on the school's clock; leads just outside it, on the other campus or deleted
are there to prove they are left out.
"""
from __future__ import annotations

from decimal import Decimal

import pytest

from eduflow.extensions import db
from eduflow.models import (
    FollowUp, FollowUpMethod, LeadStage, SixSpeed, TrialLesson, TrialStatus, utcnow,
)
from eduflow.reports.activity import follow_up_activity
from eduflow.reports.services import funnel, referrals, six_speed
from tests.reports.conftest import local

S = LeadStage
MARCH = ("2024-03-01", "2024-03-31")


@pytest.fixture
def funnel_leads(make_lead, source, make_class, make_lesson, users):
    """Campus one, consulted in March: 5 leads (L1, L2, L3, L4, L7); the others are outside the report."""
    online, street = source("线上广告"), source("地推")
    lesson = make_lesson(make_class(), "2024-03-12")
    leads = {
        "L1": make_lead("一号", "sales", source_id=online.id, consult="2024-03-05", stage=S.CONVERTED,
                        history=[S.CONTACTED, S.INTENT, S.PENDING, S.CONVERTED]),
        "L2": make_lead("二号", "sales", source_id=street.id, consult="2024-03-10", stage=S.LOST,
                        history=[S.CONTACTED, S.LOST]),
        # No consult date: the day it was entered counts (10:00 on 20 March at school).
        "L3": make_lead("三号", "sales2", source_id=online.id, created=local(2024, 3, 20, 10), stage=S.INTENT,
                        history=[S.INTENT]),
        "L4": make_lead("四号", "sales2", consult="2024-03-31"),
        "L5": make_lead("五号", "sales", consult="2024-02-29", stage=S.CONVERTED, history=[S.CONVERTED]),
        # Entered 00:30 on 1 April at school (still 31 March in UTC): outside.
        "L6": make_lead("六号", "sales", created=local(2024, 4, 1, 0, 30)),
        # Entered 00:30 on 1 March at school (29 February in UTC): inside; in the pool, entered by the manager.
        "L7": make_lead("七号", None, source_id=street.id, created=local(2024, 3, 1, 0, 30)),
        "L8": make_lead("八号", "sales_b", campus=1, consult="2024-03-05"),
        "L9": make_lead("九号", "sales", consult="2024-03-05", stage=S.INTENT, history=[S.INTENT],
                        deleted_at=utcnow()),
    }
    db.session.add_all([
        TrialLesson(lead_id=leads["L1"].id, lesson_id=lesson.id, status=TrialStatus.ATTENDED,
                    booked_by_id=users["sales"].id),
        TrialLesson(lead_id=leads["L3"].id, lesson_id=lesson.id, status=TrialStatus.NO_SHOW,
                    booked_by_id=users["sales2"].id),
        TrialLesson(lead_id=leads["L4"].id, lesson_id=lesson.id, status=TrialStatus.ATTENDED,
                    booked_by_id=users["sales2"].id),
    ])
    db.session.commit()
    return leads


def _table(rows):
    return {row.label: row.counts for row in rows}


def test_funnel_counts_each_step_reached_by_the_campus_leads(funnel_leads, scope_for, users):
    report = funnel(scope_for("manager", *MARCH))
    assert report.overall.counts == [5, 3, 2, 2, 1]
    assert report.overall.conversion == Decimal("20.0")
    assert _table(report.by_source) == {"线上广告": [2, 2, 2, 1, 1], "地推": [2, 1, 0, 0, 0], "未填写来源": [1, 0, 0, 1, 0]}
    assert _table(report.by_person) == {"Sales": [2, 2, 1, 1, 1], "Sales2": [2, 1, 1, 1, 0],
                                        "Manager": [1, 0, 0, 0, 0]}  # the pool lead they entered


def test_funnel_steps_carry_their_share_of_the_consulted(funnel_leads, scope_for):
    steps = funnel(scope_for("manager", *MARCH)).overall.steps
    assert [(key, count, share) for key, _label, count, share in steps] == [
        ("consulted", 5, Decimal("100.0")), ("contacted", 3, Decimal("60.0")), ("intent", 2, Decimal("40.0")),
        ("trial", 2, Decimal("40.0")), ("enrolled", 1, Decimal("20.0"))]


def test_a_salesperson_funnel_holds_their_own_leads_only(funnel_leads, scope_for):
    report = funnel(scope_for("sales", *MARCH))
    assert report.overall.counts == [2, 2, 1, 1, 1]
    assert _table(report.by_person) == {"Sales": [2, 2, 1, 1, 1]}


def test_admin_sees_every_campus_or_the_one_chosen(funnel_leads, scope_for):
    assert funnel(scope_for("admin", *MARCH)).overall.counts == [6, 3, 2, 2, 1]
    assert funnel(scope_for("admin", *MARCH, campus=1)).overall.counts == [1, 0, 0, 0, 0]


def test_the_other_campus_manager_sees_only_their_lead(funnel_leads, scope_for):
    assert funnel(scope_for("manager_b", *MARCH)).overall.counts == [1, 0, 0, 0, 0]


def test_an_empty_period_answers_zeros(funnel_leads, scope_for):
    report = funnel(scope_for("manager", "2023-01-01", "2023-01-31"))
    assert report.overall.counts == [0, 0, 0, 0, 0] and report.overall.conversion is None
    assert report.by_source == [] and report.by_person == []


@pytest.fixture
def sheets(funnel_leads, users):
    leads, sales, sales2 = funnel_leads, users["sales"].id, users["sales2"].id
    march = local(2024, 3, 6, 10)
    db.session.add_all([
        SixSpeed(lead_id=leads["L1"].id, owner_id=sales, opened_by_id=sales, created_at=march, wechat_added=True,
                 promised_visit_at=march, actual_visit_at=march, is_closed=True, is_enrolled=True),
        SixSpeed(lead_id=leads["L2"].id, owner_id=sales, opened_by_id=sales, created_at=march,
                 promised_visit_at=march),
        SixSpeed(lead_id=leads["L3"].id, owner_id=sales2, opened_by_id=sales2, created_at=march,
                 first_visit_at=march, second_visit_at=march, is_closed=True),
        SixSpeed(lead_id=leads["L5"].id, owner_id=sales, opened_by_id=sales, created_at=local(2024, 2, 28, 10),
                 is_closed=True),
        SixSpeed(lead_id=leads["L8"].id, owner_id=users["sales_b"].id, opened_by_id=users["sales_b"].id,
                 created_at=march, is_closed=True),
    ])
    db.session.commit()


def _figures(row):
    return [row.sheets, row.wechat, row.promised, row.visited, row.second_visits, row.closed, row.enrolled]


def test_six_speed_per_salesperson_of_the_sheets_opened_in_the_period(sheets, scope_for):
    report = six_speed(scope_for("manager", *MARCH))
    assert {row.label: _figures(row) for row in report.rows} == {
        "Sales": [2, 1, 2, 1, 0, 1, 1], "Sales2": [1, 0, 0, 1, 1, 1, 0]}
    sales = report.rows[0]
    assert (sales.visit_rate, sales.close_rate, sales.enrol_rate) == (Decimal("50.0"),) * 3
    assert _figures(report.total) == [3, 1, 2, 2, 1, 2, 1]


def test_a_salesperson_sees_only_their_six_speed_row(sheets, scope_for):
    report = six_speed(scope_for("sales", *MARCH))
    assert [row.label for row in report.rows] == ["Sales"]


@pytest.fixture
def follow_ups(funnel_leads, users, make_student):
    leads = funnel_leads
    student = make_student("学员甲")

    def note(user, method, lead=None, when=local(2024, 3, 15, 10), on_student=None):
        return FollowUp(lead_id=lead.id if lead else None, student_id=on_student.id if on_student else None,
                        method=method, content="…", followed_at=when, user_id=users[user].id)

    db.session.add_all([
        note("sales", FollowUpMethod.PHONE, leads["L1"]), note("sales", FollowUpMethod.PHONE, leads["L1"]),
        note("sales", FollowUpMethod.WECHAT, leads["L2"]), note("sales", FollowUpMethod.MEETING, on_student=student),
        note("sales2", FollowUpMethod.PHONE, leads["L3"]),
        note("sales", FollowUpMethod.PHONE, leads["L1"], when=local(2024, 2, 29, 23, 59)),
        note("sales_b", FollowUpMethod.PHONE, leads["L8"]),
    ])
    db.session.commit()


def test_follow_up_activity_per_person_and_method(follow_ups, scope_for):
    rows = follow_up_activity(scope_for("manager", *MARCH)).rows
    assert [(r.label, r.total, r.leads, r.students) for r in rows] == [("Sales", 4, 2, 1), ("Sales2", 1, 1, 0)]
    assert rows[0].by_method[FollowUpMethod.PHONE] == 2 and rows[0].by_method[FollowUpMethod.WECHAT] == 1
    assert rows[0].by_method[FollowUpMethod.MEETING] == 1 and rows[0].by_method[FollowUpMethod.SMS] == 0


def test_a_salesperson_sees_only_their_own_activity(follow_ups, scope_for):
    rows = follow_up_activity(scope_for("sales", *MARCH)).rows
    assert [(r.label, r.total) for r in rows] == [("Sales", 4)]


def test_referrals_per_student_with_conversions(make_lead, make_student, scope_for):
    first, second = make_student("介绍人甲"), make_student("介绍人乙", owner="sales2")
    make_lead("甲介绍1", "sales", referrer_student_id=first.id, consult="2024-03-02", stage=S.CONVERTED,
              history=[S.CONVERTED])
    make_lead("甲介绍2", "sales2", referrer_student_id=first.id, consult="2024-03-03", stage=S.LOST,
              history=[S.LOST])
    make_lead("甲介绍3", "sales", referrer_student_id=first.id, consult="2024-02-03", stage=S.CONVERTED)
    make_lead("乙介绍1", "sales2", referrer_student_id=second.id, consult="2024-03-09")
    make_lead("无介绍人", "sales", consult="2024-03-09")
    db.session.commit()

    report = referrals(scope_for("manager", *MARCH))
    assert [(r.label, r.referred, r.converted, r.conversion) for r in report.students] == [
        ("介绍人甲", 2, 1, Decimal("50.0")), ("介绍人乙", 1, 0, Decimal("0.0"))]
    assert [(r.label, r.referred, r.converted) for r in report.people] == [("Sales2", 2, 0), ("Sales", 1, 1)]
    mine = referrals(scope_for("sales", *MARCH))
    assert [(r.label, r.referred, r.converted) for r in mine.students] == [("介绍人甲", 1, 1)]
    assert [(r.label, r.referred, r.converted) for r in mine.people] == [("Sales", 1, 1)]
