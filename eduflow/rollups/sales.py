"""The sales reports' daily rollups (eduflow.models.rollups), kept in the same transaction as every act they count.

Kept by the session itself: before a flush writes leads, follow-ups, stage moves, trials or six-speed sheets, the
affected leads' share of each rollup is read from the raw rows (their leads locked first, so two requests working
one lead take turns); after it, their share is read again, and the rollups move by the difference — upserts that
add, so two requests counting into one row both count. Any write through the ORM is covered, whichever module
makes it; a bulk Core write must call `forget` before deleting leads, or `rebuild()` after loading rows
(eduflow.rollups.sales_raw: rebuilding and verifying from the raw rows).

A lead's share depends on all of its acts (how far it got, who worked it), so a lead's share is recomputed whole;
a follow-up's share of the activity figures is its own, so only changed follow-ups are read again (a lead with
2,000 follow-ups costs the same as one with two).
"""
from __future__ import annotations

from collections import Counter, defaultdict

from sqlalchemy import Integer, and_, case, event, func, literal, or_, select, union_all
from sqlalchemy.orm import Session, attributes

from eduflow.extensions import db
from eduflow.locks import lock_rows
from eduflow.models import (
    FollowUp, FollowUpDay, FollowUpReach, FunnelDay, Lead, LeadStage, LeadStageChange, LeadStageCount, SheetDay,
    SixSpeed, SixSpeedChange, Student, TrialLesson, TrialStatus,
)
from eduflow.models.rollups import NOBODY
from eduflow.reports.acts import NOTHING, SHEET_FIGURES, STAGE_RANK, rank_of
from eduflow.rollups.reach import REACH_KEY, apply_reach
from eduflow.rollups.store import chunks, school_day_of, upsert

FUNNEL_KEY = ("day", "campus_id", "actor_id", "source_id", "referrer_id", "rank", "trial")
SHEET_KEY = ("day", "campus_id", "actor_id", "figure")
DAYS_KEY = ("day", "campus_id", "user_id", "method")
ROLLUPS = ((FunnelDay, FUNNEL_KEY, "leads"), (SheetDay, SHEET_KEY, "sheets"), (FollowUpDay, DAYS_KEY, "follow_ups"),
           (FollowUpReach, REACH_KEY, "follow_ups"))
STAGES = (LeadStageCount, ("campus_id", "stage"), "leads")  # not a share of a lead's acts: kept from the lead itself
FUNNEL_ATTRS = ("consult_date", "created_at", "campus_id", "source_id", "referrer_student_id", "stage", "deleted_at")
PLACE_ATTRS = ("campus_id", "deleted_at")  # what moves a lead's or student's follow-ups between report rows
FOLLOW_UP_ATTRS = ("lead_id", "student_id", "followed_at", "method", "user_id")
INFO_KEY = "sales_rollups"


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


def _shares(conn, leads: set, follow_ups: set, places: tuple[set, set]) -> tuple[Counter, ...]:
    return (_funnel_share(conn, leads), _sheet_share(conn, leads),
            *_activity_share(conn, follow_ups, places[0], places[1]))


def _apply(conn, before: tuple[Counter, ...], after: tuple[Counter, ...]) -> None:
    for (table, key, measure), old, new in zip(ROLLUPS, before, after):
        delta = Counter(new)
        delta.subtract(old)
        if table is FollowUpReach:
            apply_reach(conn, delta)
        else:
            upsert(conn, table, key, measure, delta)


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
    upsert(conn, *STAGES, touched.stages)


def forget(lead_ids=(), student_ids=()) -> None:
    """Take these leads and students (and their follow-ups) out of the rollups: call it before deleting them in
    bulk, which the session does not see."""
    conn = db.session.connection()
    leads, students = set(lead_ids), set(student_ids)
    gone = (Counter(), Counter(), Counter(), Counter())
    _apply(conn, _shares(conn, leads, set(), (leads, students)), gone)
    stages = Counter()
    for chunk in chunks(sorted(leads), 500):
        for campus_id, stage, n in conn.execute(select(Lead.campus_id, Lead.stage, func.count()).where(
                Lead.id.in_(chunk), Lead.deleted_at.is_(None)).group_by(Lead.campus_id, Lead.stage)):
            stages[(campus_id, stage)] -= n
    upsert(conn, *STAGES, stages)
