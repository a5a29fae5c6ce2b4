"""The sales rollups from the raw rows: `rebuild()` after a bulk load or to repair, `differences()` to prove them
(`flask --app eduflow rollups rebuild | verify`). The rollups themselves are kept by eduflow.rollups.sales."""
from __future__ import annotations

import datetime as dt
import itertools

from sqlalchemy import Integer, and_, delete, distinct, func, insert, literal, or_, select, union_all

from eduflow.extensions import db
from eduflow.models import (
    FollowUp, FollowUpDay, FollowUpGap, FollowUpPair, FollowUpReach, FunnelDay, Lead, LeadStage, LeadStageChange,
    LeadStageCount, SchoolDay, SheetDay, SixSpeed, Student, TrialLesson, TrialStatus,
)
from eduflow.models.rollups import NOBODY, FollowUpFirst
from eduflow.reports.acts import NOTHING, STAGE_RANK, rank_of, sheet_figure_acts
from eduflow.reports.scope import utc_midnight
from eduflow.rollups.reach import FIRST_KEY, PAIR_KEY, REACH_KEY, _firsts_of, _gaps_of, _links
from eduflow.rollups.sales import DAYS_KEY, ROLLUPS, STAGES
from eduflow.rollups.store import chunks, school_day_of


def _day_of(column):
    """The school day of a naive-UTC column, looked up in the school calendar (one index seek a row)."""
    return (select(SchoolDay.day).where(SchoolDay.starts_at <= column)
            .order_by(SchoolDay.starts_at.desc()).limit(1).scalar_subquery())


def _fill_calendar() -> None:
    """The school calendar over every day the raw rows fall on (and one either side)."""
    session = db.session
    bounds = [session.execute(select(func.min(column), func.max(column))).one()
              for column in (Lead.created_at, FollowUp.followed_at, SixSpeed.created_at)]
    instants = [instant for pair in bounds for instant in pair if instant is not None]
    session.execute(delete(SchoolDay))
    if not instants:
        return
    first = school_day_of(min(instants)) - dt.timedelta(days=1)
    last = school_day_of(max(instants)) + dt.timedelta(days=1)
    days = [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]
    for start in range(0, len(days), 1000):
        session.execute(insert(SchoolDay), [{"day": day, "starts_at": utc_midnight(day)}
                                            for day in days[start:start + 1000]])


def _funnel_rows():
    """FunnelDay from the raw rows: the same reach as eduflow.reports.acts, for every live lead."""
    acts = union_all(
        select(LeadStageChange.lead_id.label("lead_id"), LeadStageChange.changed_by_id.label("actor_id"),
               rank_of(LeadStageChange.to_stage).label("rank"), literal(0, Integer).label("trial")),
        select(FollowUp.lead_id, FollowUp.user_id, literal(STAGE_RANK[LeadStage.NEW], Integer), literal(0, Integer))
        .where(FollowUp.lead_id.is_not(None)),
        select(TrialLesson.lead_id, TrialLesson.booked_by_id, literal(NOTHING, Integer), literal(1, Integer))
        .where(TrialLesson.status == TrialStatus.ATTENDED),
    ).subquery()
    everyone = select(acts.c.lead_id, acts.c.rank, acts.c.trial).union_all(
        select(Lead.id, rank_of(Lead.stage), literal(0, Integer))).subquery()
    reach = union_all(
        select(everyone.c.lead_id, literal(NOBODY, Integer).label("actor_id"), func.max(everyone.c.rank).label("rank"),
               func.max(everyone.c.trial).label("trial")).group_by(everyone.c.lead_id),
        select(acts.c.lead_id, acts.c.actor_id, func.max(acts.c.rank), func.max(acts.c.trial))
        .where(acts.c.actor_id.is_not(None)).group_by(acts.c.lead_id, acts.c.actor_id),
    ).subquery()
    day = func.coalesce(Lead.consult_date, _day_of(Lead.created_at))
    keys = [day, Lead.campus_id, reach.c.actor_id, func.coalesce(Lead.source_id, NOBODY),
            func.coalesce(Lead.referrer_student_id, NOBODY), reach.c.rank, reach.c.trial]
    return (select(*keys, func.count()).select_from(reach).join(Lead, Lead.id == reach.c.lead_id)
            .where(Lead.deleted_at.is_(None)).group_by(*keys))


def _sheet_rows():
    """SheetDay from the raw rows: the same acts as eduflow.reports.acts.sheet_acts, for every live lead's sheet."""
    cohort = (SixSpeed.lead_id.in_(select(Lead.id).where(Lead.deleted_at.is_(None))),)
    acts = sheet_figure_acts(cohort).subquery()
    sheet = (select(SixSpeed.id.label("sheet_id"), _day_of(SixSpeed.created_at).label("day"),
                    Lead.campus_id.label("campus_id")).join(Lead, Lead.id == SixSpeed.lead_id).where(*cohort).subquery())
    joined = acts.join(sheet, sheet.c.sheet_id == acts.c.sheet_id)
    where, counted = (sheet.c.day, sheet.c.campus_id), func.count(distinct(acts.c.sheet_id))
    nobody, worked = literal(NOBODY, Integer), literal(0, Integer)
    person = acts.c.actor_id.is_not(None)
    return union_all(
        select(*where, acts.c.actor_id, worked, counted).select_from(joined).where(person)
        .group_by(*where, acts.c.actor_id),
        select(*where, acts.c.actor_id, acts.c.figure, counted).select_from(joined).where(person, acts.c.figure > 0)
        .group_by(*where, acts.c.actor_id, acts.c.figure),
        select(*where, nobody, worked, counted).select_from(joined).group_by(*where),
        select(*where, nobody, acts.c.figure, counted).select_from(joined).where(acts.c.figure > 0)
        .group_by(*where, acts.c.figure),
    )


def _follow_ups():
    live_lead = and_(Lead.id == FollowUp.lead_id, Lead.deleted_at.is_(None))
    live_student = and_(Student.id == FollowUp.student_id, Student.deleted_at.is_(None))
    rows = (select(_day_of(FollowUp.followed_at).label("day"),
                   func.coalesce(Lead.campus_id, Student.campus_id).label("campus_id"),
                   func.coalesce(FollowUp.user_id, NOBODY).label("user_id"), FollowUp.method.label("method"),
                   func.coalesce(FollowUp.lead_id, NOBODY).label("lead_id"),
                   func.coalesce(FollowUp.student_id, NOBODY).label("student_id"))
            .outerjoin(Lead, live_lead).outerjoin(Student, live_student)
            .where(or_(Lead.id.is_not(None), Student.id.is_not(None))))
    return rows.subquery()


def _day_rows():
    rows = _follow_ups()
    keys = [rows.c[name] for name in DAYS_KEY]
    return select(*keys, func.count()).group_by(*keys)


def _reach_rows():
    rows = _follow_ups()
    keys = [rows.c[name] for name in REACH_KEY]
    return select(*keys, func.count()).group_by(*keys)


def _stage_rows():
    return (select(Lead.campus_id, Lead.stage, func.count()).where(Lead.deleted_at.is_(None))
            .group_by(Lead.campus_id, Lead.stage))


RAW = {LeadStageCount: _stage_rows, FunnelDay: _funnel_rows, SheetDay: _sheet_rows, FollowUpDay: _day_rows, FollowUpReach: _reach_rows}


def _from_reach() -> tuple[dict, dict, dict]:
    """FollowUpPair, FollowUpGap and FollowUpFirst rows from the FollowUpReach rows, in one ordered pass."""
    reach = FollowUpReach.__table__
    key = [reach.c[name] for name in PAIR_KEY]
    pairs, gaps, seen = {}, {}, []
    rows = db.session.execute(select(*key, reach.c.day).where(reach.c.follow_ups > 0).order_by(*key, reach.c.day)
                              .execution_options(yield_per=20000))
    for pair, found in itertools.groupby(rows, key=lambda row: tuple(row[:4])):
        days = [row[4] for row in found]
        seen.append((pair, _links(days)))
        pairs[pair] = (days[0], days[-1])
        for starts, ends, n in _gaps_of(days):
            gaps[(*pair, starts)] = (ends, n)
    return pairs, gaps, {key: (leads, students) for key, leads, students in _firsts_of(seen)}


DERIVED = ((FollowUpPair, PAIR_KEY, ("first_day", "last_day")), (FollowUpGap, (*PAIR_KEY, "starts"), ("ends", "days")),
           (FollowUpFirst, FIRST_KEY, ("leads", "students")))


def rebuild() -> None:
    """Recompute every sales rollup from the raw rows, one INSERT … SELECT each (the pairs, gaps and first days in
    one ordered pass over the follow-up days); the caller commits."""
    _fill_calendar()
    for table, key, measure in (*ROLLUPS, STAGES):
        db.session.execute(delete(table))
        db.session.execute(insert(table).from_select([*key, measure], RAW[table]()))
    for (table, key, values), rows in zip(DERIVED, _from_reach()):
        db.session.execute(delete(table))
        for chunk in chunks(sorted(rows.items()), 5000):
            db.session.execute(insert(table), [dict(zip((*key, *values), (*k, *v))) for k, v in chunk])


def differences() -> list[str]:
    """Every rollup figure that disagrees with the raw rows (empty: the rollups are right)."""
    _fill_calendar()
    found = []
    for table, key, measure in (*ROLLUPS, STAGES):
        raw = {tuple(row[:-1]): int(row[-1]) for row in db.session.execute(RAW[table]())}
        kept = {tuple(row[:-1]): int(row[-1]) for row in db.session.execute(
            select(*[table.__table__.c[name] for name in key], table.__table__.c[measure])
            .where(table.__table__.c[measure] != 0))}
        found += _compare(table, key, raw, kept, 0)
    for (table, key, values), raw in zip(DERIVED, _from_reach()):
        columns = table.__table__.c
        kept = {tuple(row[:len(key)]): tuple(row[len(key):]) for row in db.session.execute(
            select(*[columns[name] for name in (*key, *values)]))}
        if table is FollowUpFirst:  # a row emptied by later changes may stay
            kept = {k: v for k, v in kept.items() if any(v)}
        found += _compare(table, key, raw, kept, None)
    return found


def _compare(table, key, raw: dict, kept: dict, missing) -> list[str]:
    return [f"{table.__tablename__} {dict(zip(key, k))}: rollup {kept.get(k, missing)}, raw rows {raw.get(k, missing)}"
            for k in sorted(raw.keys() | kept.keys(), key=repr) if raw.get(k, missing) != kept.get(k, missing)]
