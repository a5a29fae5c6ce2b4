"""Who did what: the acts the sales reports count, each with the user who did it (DOMAIN "Report attribution").

Every counted act names its actor where it was recorded — a stage move its mover (entering a lead is its move
to 新咨询, a conversion its move to 已转化), a follow-up its author, a trial its booker, a six-speed field the
author of its latest edit, a sheet whoever opened it — so a figure never moves with today's owner.
"""
from __future__ import annotations

from sqlalchemy import Integer, Select, case, func, literal_column, null, or_, select, type_coerce, union_all
from sqlalchemy.sql import Subquery

from eduflow.models import (
    FollowUp, Lead, LeadStage, LeadStageChange, SixSpeed, SixSpeedChange, TrialLesson, TrialStatus,
)
from eduflow.reports.scope import ReportScope

# How far along a stage is; 已流失 counts for nothing, so a lost lead keeps the furthest stage it had reached.
STAGE_RANK = {LeadStage.NEW: 0, LeadStage.CONTACTED: 1, LeadStage.INTENT: 2, LeadStage.PENDING: 3,
              LeadStage.CONVERTED: 4}
NOTHING = -1  # an act that works a lead without moving it anywhere (booking its trial)


def _int(value: int):
    return literal_column(str(int(value)), Integer)


def rank_of(column):
    return case(*[(column == stage, rank) for stage, rank in STAGE_RANK.items()], else_=NOTHING)


def _lead_acts(cohort: Select, everyone: bool) -> Subquery:
    """(lead_id, actor_id, rank, trial) for every act on the cohort's leads. For a report of everyone's figures,
    each lead's stage today is one more row without an actor, so a lead with no recorded history still counts."""
    acts = [
        select(LeadStageChange.lead_id.label("lead_id"), LeadStageChange.changed_by_id.label("actor_id"),
               rank_of(LeadStageChange.to_stage).label("rank"), _int(0).label("trial"))
        .where(LeadStageChange.lead_id.in_(cohort)),
        select(FollowUp.lead_id, FollowUp.user_id, _int(STAGE_RANK[LeadStage.NEW]), _int(0))
        .where(FollowUp.lead_id.in_(cohort)),
        select(TrialLesson.lead_id, TrialLesson.booked_by_id, _int(NOTHING), _int(1))
        .where(TrialLesson.lead_id.in_(cohort), TrialLesson.status == TrialStatus.ATTENDED),
    ]
    if everyone:
        acts.append(select(Lead.id, type_coerce(null(), Integer), rank_of(Lead.stage), _int(0))
                    .where(Lead.id.in_(cohort)))
    return union_all(*acts).subquery()


def reached(scope: ReportScope, cohort: Select, per_person: bool = False) -> Subquery:
    """How far each lead of the cohort got — (lead_id, [actor_id,] rank, trial) — through everyone's acts, or,
    `per_person`, through each person's own (one row per lead and person who worked it). A salesperson's report
    holds her acts only."""
    acts = _lead_acts(cohort, everyone=not scope.own_only and not per_person)
    keys = [acts.c.lead_id, acts.c.actor_id] if per_person else [acts.c.lead_id]
    query = (select(*keys, func.max(acts.c.rank).label("rank"), func.max(acts.c.trial).label("trial"))
             .where(scope.actor(acts.c.actor_id)).group_by(*keys))
    if per_person:
        query = query.where(acts.c.actor_id.is_not(None))
    return query.subquery()


# Six-speed figures: the fields whose latest edit names who did it, and whether the sheet shows it now.
SHEET_FIGURES = {
    "wechat": (("wechat_added",), SixSpeed.wechat_added.is_(True)),
    "promised": (("promised_visit_at",), SixSpeed.promised_visit_at.is_not(None)),
    "visited": (("actual_visit_at", "first_visit_at"),
                or_(SixSpeed.actual_visit_at.is_not(None), SixSpeed.first_visit_at.is_not(None))),
    "second_visits": (("second_visit_at",), SixSpeed.second_visit_at.is_not(None)),
    "closed": (("is_closed",), SixSpeed.is_closed.is_(True)),
    "enrolled": (("is_enrolled",), SixSpeed.is_enrolled.is_(True)),
}
OPENED = 0  # the figure code of opening the sheet; SHEET_FIGURES are 1, 2 … in their order


def _last_edit(fields: tuple[str, ...], sheets: Select) -> Subquery:
    """(sheet_id, actor_id): who made the latest logged edit of any of `fields`, per sheet of `sheets` (only the
    report's sheets: never a grouping over the whole edit log)."""
    latest = (select(SixSpeedChange.six_speed_id.label("sheet_id"), func.max(SixSpeedChange.id).label("change_id"))
              .where(SixSpeedChange.field.in_(fields), SixSpeedChange.six_speed_id.in_(sheets))
              .group_by(SixSpeedChange.six_speed_id).subquery())
    return (select(latest.c.sheet_id, SixSpeedChange.changed_by_id.label("actor_id"))
            .join(SixSpeedChange, SixSpeedChange.id == latest.c.change_id).subquery())


def _converter(leads: Select) -> Subquery:
    """(lead_id, actor_id): who converted each converted lead of `leads` (conversion ticks 是否报名 without a
    log row)."""
    latest = (select(LeadStageChange.lead_id.label("lead_id"), func.max(LeadStageChange.id).label("change_id"))
              .where(LeadStageChange.to_stage == LeadStage.CONVERTED, LeadStageChange.lead_id.in_(leads))
              .group_by(LeadStageChange.lead_id).subquery())
    return (select(latest.c.lead_id, LeadStageChange.changed_by_id.label("actor_id"))
            .join(LeadStageChange, LeadStageChange.id == latest.c.change_id).subquery())


def sheet_acts(scope: ReportScope) -> Subquery:
    """(sheet_id, actor_id, figure) for the sheets opened in the period on leads the report counts."""
    cohort = (SixSpeed.lead_id.in_(select(Lead.id).where(scope.worked_leads())), scope.during(SixSpeed.created_at))
    return sheet_figure_acts(cohort).subquery()


def sheet_figure_acts(cohort: tuple) -> Select:
    """(sheet_id, actor_id, figure) for the sheets meeting `cohort`: who opened each, and who did each figure it
    shows (an edit not logged falls back to whoever opened the sheet)."""
    acts = [select(SixSpeed.id.label("sheet_id"), SixSpeed.opened_by_id.label("actor_id"),
                   _int(OPENED).label("figure")).where(*cohort)]
    sheets = select(SixSpeed.id).where(*cohort)
    converter = _converter(select(SixSpeed.lead_id).where(*cohort, SHEET_FIGURES["enrolled"][1]))
    for code, (figure, (fields, shown)) in enumerate(SHEET_FIGURES.items(), start=1):
        edit = _last_edit(fields, sheets)
        actors = [converter.c.actor_id] if figure == "enrolled" else []
        query = (select(SixSpeed.id, func.coalesce(*actors, edit.c.actor_id, SixSpeed.opened_by_id), _int(code))
                 .select_from(SixSpeed).outerjoin(edit, edit.c.sheet_id == SixSpeed.id))
        if actors:
            query = query.outerjoin(converter, converter.c.lead_id == SixSpeed.lead_id)
        acts.append(query.where(*cohort, shown))
    return union_all(*acts)
