"""The sales reports computed straight from the raw rows, as they were before the rollups: the reference the
rollup-backed reports (eduflow.reports.services) are held to."""
from __future__ import annotations

from collections import defaultdict

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, case, distinct, func, or_, select

from eduflow.extensions import db
from eduflow.models import FollowUp, FollowUpMethod, Lead, LeadStage, SourceChannel, Student
from eduflow.reports.acts import OPENED, SHEET_FIGURES, STAGE_RANK, reached, sheet_acts
from eduflow.reports.activity import Activity, ActivityRow
from eduflow.reports.services import (
    FUNNEL_STEPS, NO_SOURCE, Funnel, FunnelRow, Referrals, ReferralRow, SixSpeedReport, SixSpeedRow, leading_students,
)  # the same result types: only how the figures are reached differs
from eduflow.reports.scope import ReportScope, count_if, user_names


def consulted_in(scope: ReportScope):
    """The lead was consulted on one of the report's days (its consult date, else the day it was entered)."""
    return or_(and_(Lead.consult_date.is_not(None), Lead.consult_date.between(scope.start, scope.end)),
               and_(Lead.consult_date.is_(None), scope.during(Lead.created_at)))


def _steps(progress) -> list:
    """consulted, contacted, intent, trial, enrolled over rows of `reached`."""
    return [func.count(), count_if(progress.c.rank >= STAGE_RANK[LeadStage.CONTACTED]),
            count_if(progress.c.rank >= STAGE_RANK[LeadStage.INTENT]), count_if(progress.c.trial == 1),
            count_if(progress.c.rank >= STAGE_RANK[LeadStage.CONVERTED])]


def _funnel_counts(scope: ReportScope, cohort, key=None, per_person: bool = False) -> list[tuple]:
    """(key, consulted, contacted, intent, trial, enrolled) per value of `key` (a Lead column), or per person
    who worked the leads."""
    progress = reached(scope, cohort, per_person=per_person)
    key = progress.c.actor_id if per_person else key
    rows = db.session.execute(select(key, *_steps(progress)).select_from(progress)
                              .join(Lead, Lead.id == progress.c.lead_id).group_by(key)).all()
    return [(row[0], *(int(n) for n in row[1:])) for row in rows]


def _people(rows: list[tuple], make) -> list:
    """Rows keyed by user id as report rows labelled with the person's name, the busiest first."""
    names = user_names(row[0] for row in rows)
    rows = sorted(rows, key=lambda row: (-row[1], names.get(row[0], "")))
    return [make(names.get(user_id, ""), *figures) for user_id, *figures in rows]


def funnel(scope: ReportScope) -> Funnel:
    """咨询 → 首次沟通 → 意向 → 试听 → 报名: the leads consulted in the period that reached each step, overall, per
    source and per person (the leads they worked and how far their own moves took them)."""
    cohort = select(Lead.id).where(scope.worked_leads(), consulted_in(scope))
    sources = dict(db.session.execute(select(SourceChannel.id, SourceChannel.name)).all())
    by_source = sorted(_funnel_counts(scope, cohort, Lead.source_id),
                       key=lambda row: (-row[1], sources.get(row[0], "")))
    overall = [sum(column) for column in zip(*(counts for _key, *counts in by_source))] or [0] * len(FUNNEL_STEPS)
    return Funnel(
        overall=FunnelRow(str(_l("全部")), *overall),
        by_source=[FunnelRow(sources.get(key) or str(NO_SOURCE), *counts) for key, *counts in by_source],
        by_person=_people(_funnel_counts(scope, cohort, per_person=True), FunnelRow),
    )


def six_speed(scope: ReportScope) -> SixSpeedReport:
    """Per person: the sheets opened in the period that they worked (opened, or did one of its figures), and the
    figures they did: WeChat added, visits promised and made, second visits, closes, enrolments."""
    acts = sheet_acts(scope)
    figures = [func.count(distinct(acts.c.sheet_id))] + [
        func.count(distinct(case((acts.c.figure == code, acts.c.sheet_id))))
        for code in range(OPENED + 1, OPENED + 1 + len(SHEET_FIGURES))]
    rows = db.session.execute(select(acts.c.actor_id, *figures).where(
        acts.c.actor_id.is_not(None), scope.actor(acts.c.actor_id)).group_by(acts.c.actor_id)).all()
    total = db.session.execute(select(*figures).where(scope.actor(acts.c.actor_id))).one()
    return SixSpeedReport(rows=_people([(row[0], *(int(n) for n in row[1:])) for row in rows], SixSpeedRow),
                          total=SixSpeedRow(str(_l("合计")), *(int(n) for n in total)))


def _followups_in(scope: ReportScope):
    """Follow-ups made in the period on a lead or a student the report counts (a salesperson's own only, on
    whoever's lead or student it is now)."""
    on_lead = FollowUp.lead_id.in_(select(Lead.id).where(scope.worked_leads()))
    on_student = FollowUp.student_id.in_(select(Student.id).where(scope.worked_students()))
    return and_(or_(on_lead, on_student), scope.during(FollowUp.followed_at), scope.actor(FollowUp.user_id))


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


def _referral_counts(scope: ReportScope, cohort, key=None, per_person: bool = False) -> list[tuple]:
    """(key, referred, converted): the funnel's first and last steps over the referred leads."""
    return [(key_value, consulted, enrolled) for key_value, consulted, *_middle, enrolled
            in _funnel_counts(scope, cohort, key, per_person)]


def referrals(scope: ReportScope) -> Referrals:
    """转介绍: leads consulted in the period naming a referring student, per student and per person who worked
    them; converted: by the person who converted them."""
    cohort = select(Lead.id).where(scope.worked_leads(), consulted_in(scope), Lead.referrer_student_id.is_not(None))
    students, others = leading_students(_referral_counts(scope, cohort, Lead.referrer_student_id))
    return Referrals(students=students, others=others,
                     people=_people(_referral_counts(scope, cohort, per_person=True), ReferralRow))
