"""The sales reports' daily rollups (eduflow.models.rollups), kept in the same transaction as every act they count.

Kept by the session itself: before a flush writes leads, follow-ups, stage moves, trials or six-speed sheets, the
affected leads' share of each rollup is read from the raw rows (their leads locked first, so two requests working
one lead take turns); after it, their share is read again, and the rollups move by the difference — upserts that
add, so two requests counting into one row both count. Any write through the ORM is covered, whichever module
makes it; a bulk Core write must call `forget` before deleting leads, or `rebuild()` after loading rows.

A lead's share depends on all of its acts (how far it got, who worked it), so a lead's share is recomputed whole;
a follow-up's share of the activity figures is its own, so only changed follow-ups are read again (a lead with
2,000 follow-ups costs the same as one with two).
"""
from __future__ import annotations

import datetime as dt
import functools
import itertools
from collections import Counter, defaultdict
from collections.abc import Iterator

from flask_babel import get_timezone
from sqlalchemy import (
    Integer, and_, case, delete, distinct, event, func, insert, literal, or_, select, union_all,
)
from sqlalchemy.orm import Session, attributes

from eduflow.extensions import db
from eduflow.locks import lock_rows
from eduflow.models import (
    FollowUp, FollowUpDay, FollowUpGap, FollowUpPair, FollowUpReach, FunnelDay, Lead, LeadStage, LeadStageChange,
    LeadStageCount, SchoolDay, SheetDay, SixSpeed, SixSpeedChange, Student, TrialLesson, TrialStatus,
)
from eduflow.models.rollups import DIRECT_DAYS, GAP_DAYS, NOBODY, FollowUpFirst
from eduflow.reports.acts import NOTHING, SHEET_FIGURES, STAGE_RANK, rank_of, sheet_figure_acts
from eduflow.reports.scope import utc_midnight

FUNNEL_KEY = ("day", "campus_id", "actor_id", "source_id", "referrer_id", "rank", "trial")
SHEET_KEY = ("day", "campus_id", "actor_id", "figure")
DAYS_KEY = ("day", "campus_id", "user_id", "method")
REACH_KEY = ("campus_id", "day", "user_id", "lead_id", "student_id")
ROLLUPS = ((FunnelDay, FUNNEL_KEY, "leads"), (SheetDay, SHEET_KEY, "sheets"), (FollowUpDay, DAYS_KEY, "follow_ups"),
           (FollowUpReach, REACH_KEY, "follow_ups"))
STAGES = (LeadStageCount, ("campus_id", "stage"), "leads")  # not a share of a lead's acts: kept from the lead itself
FUNNEL_ATTRS = ("consult_date", "created_at", "campus_id", "source_id", "referrer_student_id", "stage", "deleted_at")
PLACE_ATTRS = ("campus_id", "deleted_at")  # what moves a lead's or student's follow-ups between report rows
FOLLOW_UP_ATTRS = ("lead_id", "student_id", "followed_at", "method", "user_id")
INFO_KEY = "sales_rollups"


# --- School days -------------------------------------------------------------------------------------------------

@functools.lru_cache(maxsize=4096)
def _midnight(zone: str, day: dt.date) -> dt.datetime:
    return utc_midnight(day)


def school_day_of(instant: dt.datetime) -> dt.date:
    """The school day a naive-UTC instant falls on: the same boundary as ReportScope.during (utc_midnight)."""
    zone = get_timezone()
    day = instant.replace(tzinfo=dt.UTC).astimezone(zone).date()
    if instant < _midnight(str(zone), day):
        return day - dt.timedelta(days=1)
    if instant >= _midnight(str(zone), day + dt.timedelta(days=1)):
        return day + dt.timedelta(days=1)
    return day


# --- Each lead's and follow-up's share, from the raw rows --------------------------------------------------------

def _funnel_share(conn, lead_ids) -> Counter:
    """FunnelDay counts of these leads: everyone's reach of each lead, and each person's reach through their acts."""
    share: Counter = Counter()
    if not lead_ids:
        return share
    ids = sorted(lead_ids)
    leads = conn.execute(select(Lead.id, Lead.consult_date, Lead.created_at, Lead.campus_id, Lead.source_id,
                                Lead.referrer_student_id, Lead.stage)
                         .where(Lead.id.in_(ids), Lead.deleted_at.is_(None))).all()
    if not leads:
        return share
    acts = conn.execute(union_all(
        select(LeadStageChange.lead_id, LeadStageChange.changed_by_id, rank_of(LeadStageChange.to_stage),
               literal(0, Integer)).where(LeadStageChange.lead_id.in_(ids)),
        select(FollowUp.lead_id, FollowUp.user_id, literal(STAGE_RANK[LeadStage.NEW], Integer), literal(0, Integer))
        .where(FollowUp.lead_id.in_(ids)).distinct(),
        select(TrialLesson.lead_id, TrialLesson.booked_by_id, literal(NOTHING, Integer), literal(1, Integer))
        .where(TrialLesson.lead_id.in_(ids), TrialLesson.status == TrialStatus.ATTENDED),
    )).all()
    by_lead = defaultdict(list)
    for lead_id, actor_id, rank, trial in acts:
        by_lead[lead_id].append((actor_id, int(rank), int(trial)))
    for lead_id, consult_date, created_at, campus_id, source_id, referrer_id, stage in leads:
        day = consult_date or school_day_of(created_at)
        where = (day, campus_id)
        dims = (source_id or NOBODY, referrer_id or NOBODY)
        mine = by_lead[lead_id]
        share[(*where, NOBODY, *dims, max([STAGE_RANK.get(stage, NOTHING)] + [r for _a, r, _t in mine]),
               max([0] + [t for _a, _r, t in mine]))] += 1
        people = defaultdict(list)
        for actor_id, rank, trial in mine:
            if actor_id is not None:
                people[actor_id].append((rank, trial))
        for actor_id, done in people.items():
            share[(*where, actor_id, *dims, max(r for r, _t in done), max(t for _r, t in done))] += 1
    return share


FIGURE_CODES = {name: code for code, name in enumerate(SHEET_FIGURES, start=1)}
FIGURE_FIELDS = sorted({field for fields, _shown in SHEET_FIGURES.values() for field in fields})


def _sheet_share(conn, lead_ids) -> Counter:
    """SheetDay counts of these leads' sheets: who worked each, and who did each figure it shows."""
    share: Counter = Counter()
    if not lead_ids:
        return share
    ids = sorted(lead_ids)
    shown = [case((condition, 1), else_=0) for _fields, condition in SHEET_FIGURES.values()]
    sheets = conn.execute(select(SixSpeed.id, SixSpeed.lead_id, SixSpeed.created_at, SixSpeed.opened_by_id,
                                 Lead.campus_id, *shown).join(Lead, Lead.id == SixSpeed.lead_id)
                          .where(SixSpeed.lead_id.in_(ids), Lead.deleted_at.is_(None))).all()
    if not sheets:
        return share
    edits: dict = {}  # (sheet, field) → (change id, actor)
    for sheet_id, change_id, field, actor_id in conn.execute(
            select(SixSpeedChange.six_speed_id, SixSpeedChange.id, SixSpeedChange.field, SixSpeedChange.changed_by_id)
            .where(SixSpeedChange.six_speed_id.in_([sheet[0] for sheet in sheets]),
                   SixSpeedChange.field.in_(FIGURE_FIELDS))):
        if change_id > edits.get((sheet_id, field), (0, None))[0]:
            edits[(sheet_id, field)] = (change_id, actor_id)
    converters: dict = {}
    for lead_id, change_id, actor_id in conn.execute(
            select(LeadStageChange.lead_id, LeadStageChange.id, LeadStageChange.changed_by_id)
            .where(LeadStageChange.lead_id.in_(ids), LeadStageChange.to_stage == LeadStage.CONVERTED)):
        if change_id > converters.get(lead_id, (0, None))[0]:
            converters[lead_id] = (change_id, actor_id)
    for sheet_id, lead_id, created_at, opener, campus_id, *flags in sheets:
        where = (school_day_of(created_at), campus_id)
        worked = {opener}
        share[(*where, NOBODY, 0)] += 1
        for (name, (fields, _condition)), flag in zip(SHEET_FIGURES.items(), flags):
            if not flag:
                continue
            latest = max((edits[(sheet_id, field)] for field in fields if (sheet_id, field) in edits), default=None)
            candidates = [converters.get(lead_id, (0, None))[1]] if name == "enrolled" else []
            candidates += [latest[1] if latest else None, opener]
            actor = next((who for who in candidates if who is not None), None)
            share[(*where, NOBODY, FIGURE_CODES[name])] += 1
            if actor is not None:
                share[(*where, actor, FIGURE_CODES[name])] += 1
                worked.add(actor)
        for actor in worked - {None}:
            share[(*where, actor, 0)] += 1
    return share


def _activity_share(conn, follow_up_ids=(), lead_ids=(), student_ids=()) -> tuple[Counter, Counter]:
    """FollowUpDay and FollowUpReach counts of these follow-ups and of every follow-up on these leads and students,
    those on live records only."""
    days, reach = Counter(), Counter()
    wanted = [column.in_(sorted(ids)) for column, ids in ((FollowUp.id, follow_up_ids), (FollowUp.lead_id, lead_ids),
                                                          (FollowUp.student_id, student_ids)) if ids]
    if not wanted:
        return days, reach
    live_lead = and_(Lead.id == FollowUp.lead_id, Lead.deleted_at.is_(None))
    live_student = and_(Student.id == FollowUp.student_id, Student.deleted_at.is_(None))
    rows = conn.execute(select(FollowUp.followed_at, func.coalesce(Lead.campus_id, Student.campus_id), FollowUp.user_id,
                               FollowUp.method, FollowUp.lead_id, FollowUp.student_id)
                        .outerjoin(Lead, live_lead).outerjoin(Student, live_student)
                        .where(or_(*wanted), or_(Lead.id.is_not(None), Student.id.is_not(None))))
    for followed_at, campus_id, user_id, method, lead_id, student_id in rows:
        day, user_id = school_day_of(followed_at), user_id or NOBODY
        days[(day, campus_id, user_id, method)] += 1
        reach[(campus_id, day, user_id, lead_id or NOBODY, student_id or NOBODY)] += 1
    return days, reach


# --- Applying a change -------------------------------------------------------------------------------------------

def _upsert(conn, table, key: tuple[str, ...], measure: str, delta: Counter) -> None:
    """Add `delta` to the rows of `table` (inserting missing ones), in key order so concurrent writers never
    wait on each other in a cycle; the primary key is where two inserts of one new row meet."""
    rows = [dict(zip(key, k), **{measure: n}) for k, n in sorted(delta.items(), key=lambda item: repr(item[0])) if n]
    for start in range(0, len(rows), 500):
        _upsert_rows(conn, table, key, measure, rows[start:start + 500])


def _upsert_rows(conn, table, key: tuple[str, ...], measure: str, rows: list[dict]) -> None:
    _put(conn, table, key, rows, lambda target, new: {measure: target.c[measure] + new[measure]})


def _put(conn, table, key, rows: list[dict], updates) -> None:
    """INSERT the rows, or on a row already there set `updates(table, the inserted values)`: one statement that
    works on SQLite, PostgreSQL and MariaDB, atomic under concurrent requests."""
    target = table.__table__
    dialect = conn.dialect.name
    if dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert as upsert
    elif dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as upsert
    else:
        from sqlalchemy.dialects.mysql import insert as upsert
    statement = upsert(target).values(rows)
    if dialect in ("mysql", "mariadb"):
        statement = statement.on_duplicate_key_update(updates(target, statement.inserted))
    else:
        statement = statement.on_conflict_do_update(index_elements=list(key), set_=updates(target, statement.excluded))
    conn.execute(statement)


# A person's pairs (who followed up whom) and the long gaps between their days, kept from FollowUpReach.
PAIR_KEY = ("campus_id", "user_id", "lead_id", "student_id")


def _pair_of(reach_key: tuple) -> tuple:
    campus_id, _day, user_id, lead_id, student_id = reach_key
    return campus_id, user_id, lead_id, student_id


def _gaps_of(days: list[dt.date]) -> list[tuple[dt.date, dt.date, int]]:
    return [(a, b, (b - a).days) for a, b in zip(days, days[1:]) if (b - a).days >= GAP_DAYS]


def _chunks(items: list, size: int = 200):
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _pairs_in(table, pairs: list[tuple]):
    """Rows of these pairs: an OR of key equalities, which every planner answers from the primary key (a row-value
    IN list is a scan on SQLite)."""
    columns = [table.__table__.c[name] for name in PAIR_KEY]
    return or_(*[and_(*[column == value for column, value in zip(columns, pair)]) for pair in pairs])


def _pair_days(conn, pairs: set[tuple]) -> dict[tuple, dict[dt.date, int]]:
    """Each pair's follow-ups per day, from FollowUpReach (a pair's days are few, even on a lead with 2,000
    follow-ups)."""
    reach = FollowUpReach
    found: dict = {pair: {} for pair in pairs}
    for chunk in _chunks(sorted(pairs), 50):
        for *key, day, n in conn.execute(select(*[reach.__table__.c[name] for name in PAIR_KEY], reach.day,
                                                reach.follow_ups).where(_pairs_in(reach, chunk))):
            found[tuple(key)][day] = n
    return found


def _days_of(counts: dict[tuple, dict[dt.date, int]]) -> dict[tuple, list[dt.date]]:
    return {pair: sorted(day for day, n in days.items() if n > 0) for pair, days in counts.items()}


def _apply_reach(conn, delta: Counter) -> None:
    """Move FollowUpReach by `delta`, and with it the pairs' first and last days, long gaps and first days in each
    short range. The pairs' days are read before the upsert (their lead or student is locked, outside SQLite), so
    their days after it are known without reading them again."""
    pairs = {_pair_of(key) for key, n in delta.items() if n}
    counts = _pair_days(conn, pairs)
    before = _days_of(counts)
    _upsert(conn, FollowUpReach, REACH_KEY, "follow_ups", delta)
    for key, n in delta.items():
        if n:
            days = counts[_pair_of(key)]
            days[key[1]] = days.get(key[1], 0) + n
    after = _days_of(counts)
    _refresh_pairs(conn, after)
    _upsert_firsts(conn, _first_changes(before, after))


def _refresh_pairs(conn, days: dict[tuple, list[dt.date]]) -> None:
    """Set the pairs' first and last days and long gaps from their days (in order)."""
    pair, gap = FollowUpPair, FollowUpGap
    kept = set()
    for chunk in _chunks(sorted(days), 50):
        kept.update(tuple(row) for row in conn.execute(
            select(*[gap.__table__.c[n] for n in PAIR_KEY], gap.starts, gap.ends)
            .where(_pairs_in(gap, chunk))))
    wanted = {(*key, starts, ends): n for key, found in days.items() for starts, ends, n in _gaps_of(found)}
    gone = sorted(kept - wanted.keys())
    for chunk in _chunks(gone):
        starts = gap.__table__.c.starts
        conn.execute(delete(gap).where(or_(*[and_(_pairs_in(gap, [row[:4]]), starts == row[4]) for row in chunk])))
    new = [dict(zip((*PAIR_KEY, "starts", "ends", "days"), (*row, n)))
           for row, n in sorted(wanted.items()) if row not in kept]
    for chunk in _chunks(new):
        _put(conn, gap, (*PAIR_KEY, "starts"), chunk, lambda t, v: {"ends": v.ends, "days": v.days})
    present = [dict(zip(PAIR_KEY, key), first_day=found[0], last_day=found[-1])
               for key, found in sorted(days.items()) if found]
    for chunk in _chunks(present):
        _put(conn, pair, PAIR_KEY, chunk, lambda t, v: {"first_day": v.first_day, "last_day": v.last_day})
    empty = sorted(key for key, found in days.items() if not found)
    for chunk in _chunks(empty):
        conn.execute(delete(pair).where(_pairs_in(pair, chunk)))


# Who reached whom first in a short range (FollowUpFirst), from each pair's days.
FIRST_KEY = ("since", "campus_id", "user_id", "day")


def _links(days: list[dt.date]) -> dict[dt.date, dt.date | None]:
    """Each of a pair's days (in order) with the pair's day before it (None: its first)."""
    return dict(zip(days, [None, *days[:-1]]))


def _firsts_of(pair_links) -> Iterator[tuple[tuple, int, int]]:
    """FollowUpFirst rows — ((since, campus, user, day), leads, students) — of [(pair, {day: its day before})]: a
    day a pair was followed up counts at every `since` after the pair's day before it, DIRECT_DAYS back at most.
    Each day's pairs are first tallied by how far back their day before is, then summed into each `since`."""
    back_to: dict = defaultdict(lambda: ([0] * (DIRECT_DAYS + 1), [0] * (DIRECT_DAYS + 1)))
    for (campus_id, user_id, lead_id, student_id), links in pair_links:
        for day, previous in links.items():
            reach = DIRECT_DAYS if previous is None else min((day - previous).days, DIRECT_DAYS)
            leads, students = back_to[(campus_id, user_id, day)]
            leads[reach] += lead_id != NOBODY
            students[reach] += student_id != NOBODY
    for (campus_id, user_id, day), (leads, students) in back_to.items():
        n = m = 0
        for back in range(DIRECT_DAYS - 1, -1, -1):  # at since = day - back: the pairs whose day before is further
            n, m = n + leads[back + 1], m + students[back + 1]
            if n or m:
                yield (day - dt.timedelta(days=back), campus_id, user_id, day), n, m


def _first_changes(before: dict, after: dict) -> dict[tuple, list[int]]:
    """How FollowUpFirst moves when the pairs' days go from `before` to `after`: only the days added or taken away
    and those whose day before changed count (on a lead followed up on hundreds of days, two or three)."""
    change: dict = defaultdict(lambda: [0, 0])
    sides: tuple[list, list] = ([], [])
    for pair in before.keys() | after.keys():
        old, new = _links(before.get(pair, [])), _links(after.get(pair, []))
        moved = {day for day in old.keys() | new.keys() if day not in old or day not in new or old[day] != new[day]}
        for side, links in zip(sides, (old, new)):
            side.append((pair, {day: links[day] for day in moved if day in links}))
    for sign, side in zip((-1, 1), sides):
        for key, leads, students in _firsts_of(side):
            change[key][0] += sign * leads
            change[key][1] += sign * students
    return {key: figures for key, figures in change.items() if any(figures)}


def _upsert_firsts(conn, change: dict[tuple, list[int]]) -> None:
    rows = [dict(zip(FIRST_KEY, key), leads=leads, students=students)
            for key, (leads, students) in sorted(change.items())]
    for chunk in _chunks(rows, 500):
        _put(conn, FollowUpFirst, FIRST_KEY, chunk,
             lambda t, v: {"leads": t.c.leads + v.leads, "students": t.c.students + v.students})


def _shares(conn, leads: set, follow_ups: set, places: tuple[set, set]) -> tuple[Counter, ...]:
    return (_funnel_share(conn, leads), _sheet_share(conn, leads),
            *_activity_share(conn, follow_ups, places[0], places[1]))


def _apply(conn, before: tuple[Counter, ...], after: tuple[Counter, ...]) -> None:
    for (table, key, measure), old, new in zip(ROLLUPS, before, after):
        delta = Counter(new)
        delta.subtract(old)
        if table is FollowUpReach:
            _apply_reach(conn, delta)
        else:
            _upsert(conn, table, key, measure, delta)


def _changed(obj, names) -> bool:
    state = attributes.instance_state(obj)
    return any(state.attrs[name].history.has_changes() for name in names)


def _old(obj, name):
    """The attribute's value before this flush (its current value when unchanged)."""
    history = attributes.instance_state(obj).attrs[name].history
    return history.deleted[0] if history.deleted else getattr(obj, name)


class _Touched:
    """What a flush changes that the rollups count: leads to recompute whole, follow-ups to read again, and
    leads / students whose follow-ups all move (deleted, restored or moved to another campus)."""

    def __init__(self):
        self.leads: set[int] = set()
        self.follow_ups: set[int] = set()
        self.places: tuple[set, set] = (set(), set())
        self.sheets: set[int] = set()
        self.students: set[int] = set()  # whose follow-ups change: locked like leads (their days are read, then moved)
        self.stages: Counter = Counter()  # (campus, stage) → change in live leads

    def __bool__(self):
        return bool(self.leads or self.follow_ups or self.places[0] or self.places[1] or self.sheets)


def _touched(session: Session, after: bool) -> _Touched:
    touched = _Touched()
    new = set(session.new)
    for obj in [*session.new, *session.dirty, *session.deleted]:
        fresh, gone = obj in new, obj in session.deleted
        if not fresh and not gone and not session.is_modified(obj, include_collections=False):
            continue
        if isinstance(obj, Lead):
            if after:
                _count_stage(touched.stages, obj, fresh, gone)
            if fresh or gone or _changed(obj, FUNNEL_ATTRS):
                touched.leads.add(obj.id)
            if not fresh and (gone or _changed(obj, PLACE_ATTRS)):
                touched.places[0].add(obj.id)
        elif isinstance(obj, Student):
            if not fresh and (gone or _changed(obj, PLACE_ATTRS)):
                touched.places[1].add(obj.id)
                touched.students.add(obj.id)
        elif isinstance(obj, FollowUp):
            if fresh or gone or _changed(obj, FOLLOW_UP_ATTRS):
                touched.follow_ups.add(obj.id)
                touched.leads.update(lead for lead in (obj.lead_id, _old(obj, "lead_id")) if lead)
                touched.students.update(one for one in (obj.student_id, _old(obj, "student_id")) if one)
        elif isinstance(obj, (LeadStageChange, TrialLesson)):
            touched.leads.update(lead for lead in (obj.lead_id, _old(obj, "lead_id")) if lead)
        elif isinstance(obj, SixSpeed):
            lead_id = obj.lead_id if obj.lead_id is not None else getattr(obj.lead, "id", None)
            touched.leads.update(lead for lead in (lead_id, _old(obj, "lead_id")) if lead)
        elif isinstance(obj, SixSpeedChange) and obj.six_speed_id is not None:
            touched.sheets.add(obj.six_speed_id)
    for ids in (touched.leads, touched.follow_ups):
        ids.discard(None)  # not inserted yet: read once it is
    return touched


def _count_stage(stages: Counter, lead: Lead, fresh: bool, gone: bool) -> None:
    """The lead's move between (campus, stage) counts of live leads, from its values before and after the flush."""
    if not fresh and _old(lead, "deleted_at") is None:
        stages[(_old(lead, "campus_id"), _old(lead, "stage"))] -= 1
    if not gone and lead.deleted_at is None:
        stages[(lead.campus_id, lead.stage)] += 1


def _resolve(conn, touched: _Touched) -> set[int]:
    """Every lead whose share the flush may change (a sheet edit changes its lead's share)."""
    leads = set(touched.leads) | set(touched.places[0])
    if touched.sheets:
        leads.update(conn.scalars(select(SixSpeed.lead_id).where(SixSpeed.id.in_(sorted(touched.sheets)))))
    return leads


@event.listens_for(Session, "before_flush")
def _before_flush(session: Session, _context, _instances) -> None:
    session.info.pop(INFO_KEY, None)
    if not session.info.get("keep_rollups", True):
        return
    touched = _touched(session, after=False)
    if not touched:
        session.info[INFO_KEY] = (touched, set(), None)
        return
    conn = session.connection()
    leads = _resolve(conn, touched)
    for model, ids in ((Lead, leads), (Student, touched.students)):
        lock_rows(model, ids, on=conn)
    session.info[INFO_KEY] = (touched, leads, _shares(conn, leads, touched.follow_ups, touched.places))


@event.listens_for(Session, "after_flush")
def _after_flush(session: Session, _context) -> None:
    if INFO_KEY not in session.info:
        return
    before_touched, leads, before = session.info.pop(INFO_KEY)
    touched = _touched(session, after=True)
    if not touched and not before_touched:
        return
    conn = session.connection()
    leads = leads | _resolve(conn, touched)
    follow_ups = before_touched.follow_ups | touched.follow_ups
    places = (before_touched.places[0] | touched.places[0], before_touched.places[1] | touched.places[1])
    if before is None:
        before = _shares(conn, set(), set(), (set(), set()))
    after = _shares(conn, leads, follow_ups, places)
    _apply(conn, before, after)
    _upsert(conn, *STAGES, touched.stages)


def forget(lead_ids=(), student_ids=()) -> None:
    """Take these leads and students (and their follow-ups) out of the rollups: call it before deleting them in
    bulk, which the session does not see."""
    conn = db.session.connection()
    leads, students = set(lead_ids), set(student_ids)
    gone = (Counter(), Counter(), Counter(), Counter())
    _apply(conn, _shares(conn, leads, set(), (leads, students)), gone)
    stages = Counter()
    for chunk in _chunks(sorted(leads), 500):
        for campus_id, stage, n in conn.execute(select(Lead.campus_id, Lead.stage, func.count()).where(
                Lead.id.in_(chunk), Lead.deleted_at.is_(None)).group_by(Lead.campus_id, Lead.stage)):
            stages[(campus_id, stage)] -= n
    _upsert(conn, *STAGES, stages)


# --- Rebuild and verify ------------------------------------------------------------------------------------------

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
        for chunk in _chunks(sorted(rows.items()), 5000):
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
