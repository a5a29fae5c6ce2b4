"""The follow-up activity report: per person, follow-ups by method and how many leads and students they reached.

Read from the follow-up rollups (eduflow.models.rollups, kept by eduflow.rollups.sales): FollowUpDay for the
counts; FollowUpFirst, FollowUpPair and FollowUpGap for the people reached, so a year costs a few thousand rows.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import case, func, select

from eduflow.extensions import db
from eduflow.models import FollowUpDay, FollowUpGap, FollowUpMethod, FollowUpPair
from eduflow.models.rollups import DIRECT_DAYS, NOBODY, FollowUpFirst
from eduflow.reports.scope import ReportScope, user_names


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


def _reach_counts(table, figures: list, scope: ReportScope, *conditions) -> dict[int | None, tuple[int, int]]:
    """(leads, students) per person: `figures` summed over the rows of `table` meeting `conditions`."""
    where = [scope.worked_campuses(table.campus_id), scope.actor(table.user_id), *conditions]
    return {user_id or None: (int(leads or 0), int(students or 0)) for user_id, leads, students
            in db.session.execute(select(table.user_id, *figures).where(*where).group_by(table.user_id))}


def _reached(scope: ReportScope) -> dict[int | None, tuple[int, int]]:
    """How many leads and students each person followed up on the report's days. Up to DIRECT_DAYS days: those
    followed up on a day of the range and not since its first day (FollowUpFirst), summed over its days. Longer:
    the pairs (person, lead) seen by its end and since its start, less those with a gap spanning it (seen before
    and after, not within: exactly one gap of theirs spans the range, and it is longer than the range)."""
    if (scope.end - scope.start).days + 1 <= DIRECT_DAYS:
        first = FollowUpFirst
        return _reach_counts(first, [func.sum(first.leads), func.sum(first.students)], scope,
                             first.since == scope.start, first.day.between(scope.start, scope.end))
    pair, gap = FollowUpPair, FollowUpGap

    def subjects(table):
        return [func.sum(case((table.lead_id != NOBODY, 1), else_=0)),
                func.sum(case((table.student_id != NOBODY, 1), else_=0))]

    seen = _reach_counts(pair, subjects(pair), scope, pair.first_day <= scope.end, pair.last_day >= scope.start)
    silent = _reach_counts(gap, subjects(gap), scope, gap.days >= (scope.end - scope.start).days + 2,
                           gap.starts < scope.start, gap.ends > scope.end)
    return {user_id: tuple(n - m for n, m in zip(figures, silent.get(user_id, (0, 0))))
            for user_id, figures in seen.items()}


def follow_up_activity(scope: ReportScope) -> Activity:
    """Per person: follow-ups in the period by method, and how many leads and students they reached (a
    salesperson's own only, on whoever's lead or student it is now)."""
    where = (scope.rollup_days, scope.worked_campuses, scope.actor)
    counts: dict[int | None, dict[FollowUpMethod, int]] = defaultdict(dict)
    for user_id, method, n in db.session.execute(
            select(FollowUpDay.user_id, FollowUpDay.method, func.sum(FollowUpDay.follow_ups))
            .where(*(clause(column) for clause, column in zip(where, (FollowUpDay.day, FollowUpDay.campus_id,
                                                                       FollowUpDay.user_id))))
            .group_by(FollowUpDay.user_id, FollowUpDay.method)):
        if n:
            counts[user_id or None][method] = int(n)
    reached = _reached(scope)
    names = user_names(counts)
    rows = [ActivityRow(names.get(user_id) or str(_l("未知")), {m: methods.get(m, 0) for m in FollowUpMethod},
                        *reached.get(user_id, (0, 0))) for user_id, methods in counts.items()]
    return Activity(sorted(rows, key=lambda row: (-row.total, row.label)))
