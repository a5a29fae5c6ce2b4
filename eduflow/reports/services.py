"""The sales reports: conversion funnel, six-speed statistics, follow-up activity and referrals.

Each function takes a ReportScope and answers dataclass rows; none knows about HTTP. Leads are counted in the
report when they were consulted on one of its days (the consult date, or the day they were entered if it is blank).
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, case, distinct, func, or_, select, union_all

from eduflow.extensions import db
from eduflow.models import (
    FollowUp, FollowUpMethod, Lead, LeadStage, LeadStageChange, SixSpeed, SourceChannel, Student, TrialLesson,
    TrialStatus,
)
from eduflow.reports.scope import ReportScope, count_if, rate, user_names

# How far along a stage is; 已流失 counts for nothing, so a lost lead keeps the furthest stage it had reached.
STAGE_RANK = {LeadStage.NEW: 0, LeadStage.CONTACTED: 1, LeadStage.INTENT: 2, LeadStage.PENDING: 3,
              LeadStage.CONVERTED: 4}
FUNNEL_STEPS = (("consulted", _l("咨询")), ("contacted", _l("首次沟通")), ("intent", _l("意向")),
                ("trial", _l("试听")), ("enrolled", _l("报名")))
UNASSIGNED = _l("未分配（公海）")
NO_SOURCE = _l("未填写来源")


@dataclass(frozen=True)
class FunnelRow:
    label: str
    consulted: int
    contacted: int
    intent: int
    trial: int
    enrolled: int

    @property
    def counts(self) -> list[int]:
        return [getattr(self, key) for key, _label in FUNNEL_STEPS]

    @property
    def steps(self) -> list[tuple[str, str, int, Decimal | None]]:
        """(key, label, leads, share of those consulted) for each step."""
        return [(key, str(label), getattr(self, key), rate(getattr(self, key), self.consulted))
                for key, label in FUNNEL_STEPS]

    @property
    def conversion(self) -> Decimal | None:
        return rate(self.enrolled, self.consulted)


@dataclass(frozen=True)
class Funnel:
    overall: FunnelRow
    by_source: list[FunnelRow]
    by_owner: list[FunnelRow]

    @property
    def labels(self) -> list[str]:
        return [str(label) for _key, label in FUNNEL_STEPS]


def consulted_in(scope: ReportScope):
    """The lead was consulted on one of the report's days (its consult date, else the day it was entered)."""
    return or_(and_(Lead.consult_date.is_not(None), Lead.consult_date.between(scope.start, scope.end)),
               and_(Lead.consult_date.is_(None), scope.during(Lead.created_at)))


def _rank(column):
    return case(*[(column == stage, rank) for stage, rank in STAGE_RANK.items()], else_=-1)


def _funnel_counts(scope: ReportScope, key=None) -> list[tuple]:
    """(key, consulted, contacted, intent, trial, enrolled) per value of `key`, or one row without a key."""
    cohort = select(Lead.id).where(scope.leads(), consulted_in(scope))
    stages = union_all(
        select(LeadStageChange.lead_id.label("lead_id"), _rank(LeadStageChange.to_stage).label("rank"))
        .where(LeadStageChange.lead_id.in_(cohort)),
        select(Lead.id.label("lead_id"), _rank(Lead.stage).label("rank")).where(Lead.id.in_(cohort)),
    ).subquery()
    reached = (select(stages.c.lead_id, func.max(stages.c.rank).label("rank"))
               .group_by(stages.c.lead_id).subquery())
    trialled = select(TrialLesson.lead_id).where(TrialLesson.status == TrialStatus.ATTENDED)
    figures = [func.count(Lead.id), count_if(reached.c.rank >= STAGE_RANK[LeadStage.CONTACTED]),
               count_if(reached.c.rank >= STAGE_RANK[LeadStage.INTENT]),
               count_if(Lead.id.in_(trialled)), count_if(reached.c.rank >= STAGE_RANK[LeadStage.CONVERTED])]
    query = (select(*([key] if key is not None else []), *figures).select_from(Lead)
             .join(reached, reached.c.lead_id == Lead.id))
    if key is not None:
        query = query.group_by(key)
    rows = db.session.execute(query).all()
    return [(row[0] if key is not None else None, *(int(n) for n in row[-5:])) for row in rows]


def funnel(scope: ReportScope) -> Funnel:
    """咨询 → 首次沟通 → 意向 → 试听 → 报名: the leads consulted in the period that reached each step."""
    overall = _funnel_counts(scope)[0][1:]
    sources = dict(db.session.execute(select(SourceChannel.id, SourceChannel.name)).all())
    by_source = sorted(_funnel_counts(scope, Lead.source_id), key=lambda row: (-row[1], sources.get(row[0], "")))
    by_owner = _funnel_counts(scope, Lead.owner_id)
    names = user_names(row[0] for row in by_owner)
    by_owner.sort(key=lambda row: (row[0] is None, -row[1], names.get(row[0], "")))
    return Funnel(
        overall=FunnelRow(str(_l("全部")), *overall),
        by_source=[FunnelRow(sources.get(key) or str(NO_SOURCE), *counts) for key, *counts in by_source],
        by_owner=[FunnelRow(names.get(key) or str(UNASSIGNED), *counts) for key, *counts in by_owner],
    )


@dataclass(frozen=True)
class SixSpeedRow:
    """六速 figures of one salesperson's sheets opened in the period."""

    label: str
    sheets: int
    wechat: int
    promised: int
    visited: int
    second_visits: int
    closed: int
    enrolled: int

    @property
    def visit_rate(self) -> Decimal | None:
        return rate(self.visited, self.sheets)

    @property
    def close_rate(self) -> Decimal | None:
        return rate(self.closed, self.sheets)

    @property
    def enrol_rate(self) -> Decimal | None:
        return rate(self.enrolled, self.sheets)


@dataclass(frozen=True)
class SixSpeedReport:
    rows: list[SixSpeedRow]
    total: SixSpeedRow


def six_speed(scope: ReportScope) -> SixSpeedReport:
    """Per salesperson: sheets opened in the period, WeChat added, visits promised and made, closes, enrolments."""
    visited = or_(SixSpeed.actual_visit_at.is_not(None), SixSpeed.first_visit_at.is_not(None))
    rows = db.session.execute(
        select(SixSpeed.owner_id, func.count(SixSpeed.id), count_if(SixSpeed.wechat_added),
               func.count(SixSpeed.promised_visit_at), count_if(visited), func.count(SixSpeed.second_visit_at),
               count_if(SixSpeed.is_closed), count_if(SixSpeed.is_enrolled))
        .join(Lead, Lead.id == SixSpeed.lead_id)
        .where(scope.leads(), scope.owner(SixSpeed.owner_id), scope.during(SixSpeed.created_at))
        .group_by(SixSpeed.owner_id)).all()
    names = user_names(row[0] for row in rows)
    figures = sorted(((names.get(owner) or str(UNASSIGNED), *(int(n) for n in counts)) for owner, *counts in rows),
                     key=lambda row: (-row[1], row[0]))
    total = SixSpeedRow(str(_l("合计")), *(sum(row[i] for row in figures) for i in range(1, 8)))
    return SixSpeedReport(rows=[SixSpeedRow(*row) for row in figures], total=total)


@dataclass(frozen=True)
class ActivityRow:
    label: str
    by_method: dict[FollowUpMethod, int]
    leads: int
    students: int

    @property
    def total(self) -> int:
        return sum(self.by_method.values())


@dataclass(frozen=True)
class Activity:
    rows: list[ActivityRow]

    @property
    def methods(self) -> list[FollowUpMethod]:
        return list(FollowUpMethod)


def _followups_in(scope: ReportScope):
    """Follow-ups made in the period on a lead or a student in scope (a salesperson's own only)."""
    on_lead = FollowUp.lead_id.in_(select(Lead.id).where(scope.leads()))
    on_student = FollowUp.student_id.in_(select(Student.id).where(scope.students()))
    return and_(or_(on_lead, on_student), scope.during(FollowUp.followed_at), scope.owner(FollowUp.user_id))


def follow_up_activity(scope: ReportScope) -> Activity:
    """Per person: follow-ups in the period by method, and how many leads and students they reached."""
    counts: dict[int | None, dict[FollowUpMethod, int]] = defaultdict(dict)
    for user_id, method, n in db.session.execute(
            select(FollowUp.user_id, FollowUp.method, func.count(FollowUp.id))
            .where(_followups_in(scope)).group_by(FollowUp.user_id, FollowUp.method)):
        counts[user_id][method] = int(n)
    reached = {user_id: (int(leads), int(students)) for user_id, leads, students in db.session.execute(
        select(FollowUp.user_id, func.count(distinct(FollowUp.lead_id)), func.count(distinct(FollowUp.student_id)))
        .where(_followups_in(scope)).group_by(FollowUp.user_id))}
    names = user_names(counts)
    rows = [ActivityRow(names.get(user_id) or str(_l("未知")), {m: methods.get(m, 0) for m in FollowUpMethod},
                        *reached.get(user_id, (0, 0))) for user_id, methods in counts.items()]
    return Activity(sorted(rows, key=lambda row: (-row.total, row.label)))


@dataclass(frozen=True)
class ReferralRow:
    student_id: int
    student: str
    referred: int
    converted: int

    @property
    def conversion(self) -> Decimal | None:
        return rate(self.converted, self.referred)


def referrals(scope: ReportScope) -> list[ReferralRow]:
    """转介绍 per referring student: leads in scope consulted in the period naming them, and how many converted."""
    rows = db.session.execute(
        select(Student.id, Student.name, func.count(Lead.id), count_if(Lead.stage == LeadStage.CONVERTED))
        .join(Student, Student.id == Lead.referrer_student_id)
        .where(scope.leads(), consulted_in(scope))
        .group_by(Student.id, Student.name)).all()
    referral_rows = [ReferralRow(sid, name, int(n), int(won)) for sid, name, n, won in rows]
    return sorted(referral_rows, key=lambda row: (-row.referred, -row.converted, row.student))

