"""The sales reports: conversion funnel, six-speed statistics and referrals (follow-up activity: reports/activity.py).

Each function takes a ReportScope and answers dataclass rows; none knows about HTTP. Leads are counted in the
report when they were consulted on one of its days (the consult date, or the day they were entered if it is blank).
A person's figures are their own acts (see eduflow.reports.acts): the leads they worked, and how far their own
moves took them, whoever owns the lead today. The figures are read from the daily rollups (eduflow.models.rollups,
kept by eduflow.rollups.sales in the transaction of each act): a year is a few thousand rows, not a year of acts.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from flask_babel import lazy_gettext as _l, ngettext
from sqlalchemy import Integer, case, func, literal, select, union_all

from eduflow.extensions import db
from eduflow.models import FunnelDay, LeadStage, SheetDay, SourceChannel, Student
from eduflow.models.rollups import NOBODY
from eduflow.reports.acts import SHEET_FIGURES, STAGE_RANK
from eduflow.reports.scope import ReportScope, rate, user_names

FUNNEL_STEPS = (("consulted", _l("咨询")), ("contacted", _l("首次沟通")), ("intent", _l("意向")),
                ("trial", _l("试听")), ("enrolled", _l("报名")))
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
    by_person: list[FunnelRow]

    @property
    def labels(self) -> list[str]:
        return [str(label) for _key, label in FUNNEL_STEPS]


def _funnel_where(scope: ReportScope) -> list:
    """FunnelDay rows of the report's days, campuses and (for a salesperson) her own acts."""
    day = FunnelDay
    return [scope.rollup_days(day.day), scope.worked_campuses(day.campus_id), scope.actor(day.actor_id)]


def _leads_actor(scope: ReportScope) -> int:
    """The FunnelDay actor whose rows count each lead once: everyone's (NOBODY), or a salesperson's own."""
    return scope.user.id if scope.own_only else NOBODY


def _funnel_counts(scope: ReportScope, key) -> tuple[list[tuple], list[tuple]]:
    """From the daily rollups: [(key, consulted, contacted, intent, trial, enrolled)] over the leads the report
    counts (everyone's acts, or a salesperson's own), and the same per person who worked them, keyed by user."""
    day = FunnelDay
    steps = [func.sum(day.leads)] + [func.sum(case((condition, day.leads), else_=0)) for condition in (
        day.rank >= STAGE_RANK[LeadStage.CONTACTED], day.rank >= STAGE_RANK[LeadStage.INTENT], day.trial == 1,
        day.rank >= STAGE_RANK[LeadStage.CONVERTED])]
    leads_actor = _leads_actor(scope)
    by_key: dict = defaultdict(lambda: [0] * len(FUNNEL_STEPS))
    by_person: dict = defaultdict(lambda: [0] * len(FUNNEL_STEPS))
    for actor_id, value, *counts in db.session.execute(
            select(day.actor_id, key, *steps).where(*_funnel_where(scope)).group_by(day.actor_id, key)):
        for totals, wanted in ((by_key[value], actor_id == leads_actor), (by_person[actor_id], actor_id != NOBODY)):
            if wanted:
                for index, n in enumerate(counts):
                    totals[index] += int(n or 0)
    return _nonzero(by_key), _nonzero(by_person)


def _nonzero(rows: dict) -> list[tuple]:
    """(key, *figures) of the rows with any figure (a rollup row emptied by later changes counts for no one)."""
    return [(key, *figures) for key, figures in rows.items() if figures[0]]


def _people(rows: list[tuple], make) -> list:
    """Rows keyed by user id as report rows labelled with the person's name, the busiest first."""
    names = user_names(row[0] for row in rows)
    rows = sorted(rows, key=lambda row: (-row[1], names.get(row[0], "")))
    return [make(names.get(user_id, ""), *figures) for user_id, *figures in rows]


def funnel(scope: ReportScope) -> Funnel:
    """咨询 → 首次沟通 → 意向 → 试听 → 报名: the leads consulted in the period that reached each step, overall, per
    source and per person (the leads they worked and how far their own moves took them)."""
    per_source, per_person = _funnel_counts(scope, FunnelDay.source_id)
    sources = dict(db.session.execute(select(SourceChannel.id, SourceChannel.name)).all())
    by_source = sorted(per_source, key=lambda row: (-row[1], sources.get(row[0], "")))
    overall = [sum(column) for column in zip(*(counts for _key, *counts in by_source))] or [0] * len(FUNNEL_STEPS)
    return Funnel(
        overall=FunnelRow(str(_l("全部")), *overall),
        by_source=[FunnelRow(sources.get(key) or str(NO_SOURCE), *counts) for key, *counts in by_source],
        by_person=_people(per_person, FunnelRow),
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
    """Per person: the sheets opened in the period that they worked (opened, or did one of its figures), and the
    figures they did: WeChat added, visits promised and made, second visits, closes, enrolments."""
    figures: dict = defaultdict(lambda: [0] * (1 + len(SHEET_FIGURES)))
    for actor_id, figure, n in db.session.execute(
            select(SheetDay.actor_id, SheetDay.figure, func.sum(SheetDay.sheets))
            .where(scope.rollup_days(SheetDay.day), scope.worked_campuses(SheetDay.campus_id),
                   scope.actor(SheetDay.actor_id)).group_by(SheetDay.actor_id, SheetDay.figure)):
        figures[actor_id][figure] = int(n or 0)
    total = figures.get(scope.user.id if scope.own_only else NOBODY, [0] * (1 + len(SHEET_FIGURES)))
    people = _nonzero({actor_id: counts for actor_id, counts in figures.items() if actor_id != NOBODY})
    return SixSpeedReport(rows=_people(people, SixSpeedRow), total=SixSpeedRow(str(_l("合计")), *total))


@dataclass(frozen=True)
class ReferralRow:
    label: str
    referred: int
    converted: int
    student_id: int | None = None  # the referring student (None on a person's row)

    @property
    def conversion(self) -> Decimal | None:
        return rate(self.converted, self.referred)


@dataclass(frozen=True)
class Referrals:
    students: list[ReferralRow]  # the leading referring students, named (SHOWN at most)
    people: list[ReferralRow]
    others: ReferralRow | None = None  # the students beyond the leading ones, summed into one row

    SHOWN = 100  # a chain's campus has thousands of referring students: the page lists the leading ones


def leading_students(per_student: list[tuple]) -> tuple[list[ReferralRow], ReferralRow | None]:
    """The leading referring students of [(student id, referred, converted)] — most referred, then most converted,
    then by name — and the rest summed in one row (None when every student is listed). Only the names that can
    be listed are read (the students ranked within the leading ones, ties at the cut included)."""
    ranked = sorted(per_student, key=lambda row: (-row[1], -row[2]))
    cut = len(ranked)
    if cut > Referrals.SHOWN:
        last = ranked[Referrals.SHOWN - 1][1:]
        cut = next((i for i in range(Referrals.SHOWN, len(ranked)) if ranked[i][1:] != last), len(ranked))
    candidates = ranked[:cut]
    names = dict(db.session.execute(select(Student.id, Student.name).where(
        Student.id.in_(sorted(row[0] for row in candidates)))).all()) if candidates else {}
    named = sorted((ReferralRow(names.get(sid, ""), referred, converted, sid)
                    for sid, referred, converted in candidates),
                   key=lambda row: (-row.referred, -row.converted, row.label, row.student_id))
    rest = [(row.referred, row.converted) for row in named[Referrals.SHOWN:]] + [row[1:] for row in ranked[cut:]]
    if not rest:
        return named, None
    label = ngettext("其余 %(num)s 名介绍人", "其余 %(num)s 名介绍人", len(rest))
    return named[:Referrals.SHOWN], ReferralRow(label, sum(n for n, _m in rest), sum(m for _n, m in rest))


def _referral_counts(scope: ReportScope) -> tuple[list[tuple], list[tuple]]:
    """[(student id, referred, converted)] and [(user id, referred, converted)] from the daily rollups, in one
    statement whose halves are grouped by their own key (a chain's campus has thousands of referring students:
    never a row per student and person)."""
    day = FunnelDay
    figures = [func.sum(day.leads), func.sum(case((day.rank >= STAGE_RANK[LeadStage.CONVERTED], day.leads), else_=0))]
    where = [*_funnel_where(scope), day.referrer_id != NOBODY]
    per_student = (select(literal(0, Integer).label("part"), day.referrer_id.label("key"), *figures)
                   .where(*where, day.actor_id == _leads_actor(scope)).group_by(day.referrer_id))
    per_person = (select(literal(1, Integer), day.actor_id, *figures)
                  .where(*where, day.actor_id != NOBODY).group_by(day.actor_id))
    found: tuple[list, list] = ([], [])
    for part, key, referred, converted in db.session.execute(union_all(per_student, per_person)):
        if referred:  # a rollup row emptied by later changes counts for no one
            found[part].append((key, int(referred), int(converted or 0)))
    return found


def referrals(scope: ReportScope) -> Referrals:
    """转介绍: leads consulted in the period naming a referring student, per student and per person who worked
    them; converted: by the person who converted them."""
    per_student, per_person = _referral_counts(scope)
    students, others = leading_students(per_student)
    return Referrals(students=students, others=others, people=_people(per_person, ReferralRow))
