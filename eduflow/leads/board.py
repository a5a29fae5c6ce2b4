"""The lead board (线索看板) and the campus pool (公海) as queries and services, without HTTP.

A board column is its stage's total count plus one page of cards; 100,000 leads cost the same
as 100: one grouped count read from an index, one statement for every column's first page (a keyset
range per column, see eduflow/keyset.py) and one load of those cards, never a whole column.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, replace

from flask_babel import gettext as _
from sqlalchemy import Select, func, literal, select, union_all
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.exc import StaleDataError

from eduflow.access import LEAD_OWNERS, accounts_in, is_admin, sales_accounts, scoped
from eduflow.domain import DomainError, StaleRecord
from eduflow.extensions import db
from eduflow.leads.queries import LIVE, LeadFilters, counts_are_kept, filtered_leads, search_clause, stage_totals
from eduflow.leads.stages import OPEN_STAGES, can_move, change_stage, check_version
from eduflow.reference import tag_label
from eduflow.models import (
    Campus, Course, Lead, LeadStage, SixSpeed, Stickiness, Tag, User, lead_courses, lead_tags, utcnow,
)
from eduflow.keyset import Keyset, Position, keyset_rows, unindexed
from eduflow.pagination import DEEP_WINDOW

PAGE_SIZE = 12  # a column shows 4-8 cards on a laptop or tablet; the next page loads as its end scrolls into view
# Overdue cards first, then by next follow-up, cards without one last: ascending next follow-up does both.
BOARD_ORDER = Keyset.nulls_last(Lead.next_followup_at, Lead.id, pinned=LIVE)
# Newest first, as pool_leads orders; a pool query holds owner_id at NULL too.
POOL_ORDER = Keyset.by((Lead.created_at, True), (Lead.id, True), pinned=(Lead.owner_id, *LIVE))

# What a board drop asks of the view besides "moved".
MOVED, NEEDS_REASON, CONVERT = "moved", "needs_reason", "convert"


def _targets(stage: LeadStage) -> tuple[LeadStage, ...]:
    return tuple(to for to in LeadStage
                 if can_move(stage, to) or (to == LeadStage.CONVERTED and stage in OPEN_STAGES))


# Where a lead may go from each stage by a drop or the stage menu, in column order (what move_card takes):
# the moves change_stage allows, and 已转化 (through the conversion form) from an open stage.
STAGE_TARGETS = {stage: _targets(stage) for stage in LeadStage}


@dataclass(frozen=True)
class Card:
    """What one lead's card on the board shows (templates/leads/_card.html), and nothing more."""

    id: int
    version: int
    stage: LeadStage
    name: str
    phone: str | None
    owner_name: str | None  # None: in the pool
    courses: tuple[str, ...]
    tags: tuple[str, ...]
    stickiness: Stickiness | None
    overdue: bool
    idle_days: int | None  # days since the last follow-up; None if never followed up

    @property
    def targets(self) -> tuple[LeadStage, ...]:
        """The stages its stage menu offers (none: the card has no menu)."""
        return STAGE_TARGETS[self.stage]


@dataclass(frozen=True)
class CardPage:
    cards: list[Card]
    next_page: int | None
    next_cursor: str | None = None  # where the next page starts (the last card's place in the column)


@dataclass(frozen=True)
class Column:
    stage: LeadStage
    count: int
    page: CardPage


def _card(row, courses, tags, now: dt.datetime) -> Card:
    overdue = row.stage in OPEN_STAGES and row.next_followup_at is not None and row.next_followup_at < now
    idle = (now - row.last_followup_at).days if row.last_followup_at else None
    return Card(row.id, row.version, row.stage, row.name, row.phone_encrypted, row.owner_name, tuple(courses),
                tuple(tags), row.stickiness, overdue, idle)


def card_for(lead: Lead, now: dt.datetime) -> Card:
    """One lead's card as the database now holds it (after a move, or to put back a cancelled drop)."""
    return cards_of([lead.id], now)[lead.id]


def cards_of(ids: list[int], now: dt.datetime) -> dict[int, Card]:
    """The cards of these leads in two statements (the leads with owner and sheet; their courses and tags), read
    as rows: a board shows 72 cards, and full lead objects with four eager loads cost more than the page."""
    if not ids:
        return {}
    rows = db.session.execute(
        select(Lead.id, Lead.version, Lead.stage, Lead.name, Lead.phone_encrypted,
               User.display_name.label("owner_name"), SixSpeed.stickiness, Lead.next_followup_at,
               Lead.last_followup_at)
        .outerjoin(User, User.id == Lead.owner_id).outerjoin(SixSpeed, SixSpeed.lead_id == Lead.id)
        .where(Lead.id.in_(ids))).all()
    names = {Course: defaultdict(list), Tag: defaultdict(list)}
    links = union_all(*(select(link.c.lead_id, model.name.label("name"), model.id.label("name_id"),
                               literal(kind).label("kind")).join(model).where(link.c.lead_id.in_(ids))
                        for kind, link, model in ((0, lead_courses, Course), (1, lead_tags, Tag)))).subquery()
    tag_names: dict[str, str] = {}  # a system tag's name is translated once a page, not once a card
    for lead_id, name, kind in db.session.execute(select(links.c.lead_id, links.c.name, links.c.kind)
                                                  .order_by(links.c.name, links.c.name_id)):
        if kind:
            name = tag_names.get(name) or tag_names.setdefault(name, tag_label(name))
        names[(Course, Tag)[kind]][lead_id].append(name)
    return {row.id: _card(row, names[Course][row.id], names[Tag][row.id], now) for row in rows}


def stage_counts(user: User, filters: LeadFilters, now: dt.datetime | None = None) -> dict[LeadStage, int]:
    """Every column's total under the filters (stages without leads count 0): a whole campus unfiltered from its
    kept counts, otherwise one grouped count on the scope's index."""
    if counts_are_kept(user, filters):
        return stage_totals(user)
    query = filtered_leads(user, replace(filters, stage=None), now).order_by(None)
    grouped = unindexed(Lead.stage) if filters.q else Lead.stage  # a search counts from its own index
    rows = db.session.execute(query.with_only_columns(Lead.stage, func.count(Lead.id)).group_by(grouped))
    counts = dict(rows.all())
    return {stage: counts.get(stage, 0) for stage in LeadStage}


def _column_queries(user: User, filters: LeadFilters, stages, now: dt.datetime, start: Position | None = None):
    """The keyset queries of these columns: the filtered leads (built once) of each stage, from `start` on."""
    where = filtered_leads(user, replace(filters, stage=None), now).whereclause
    return [(BOARD_ORDER, where & (Lead.stage == stage), start) for stage in stages]


def _card_pages(queries, pages: list[int], per_page: int, now: dt.datetime, skip: int = 0,
                narrow: bool = False) -> list[CardPage]:
    """Each column's cards from one statement of every column's positions and one load of every lead shown; one
    position more than a page says more follow."""
    found = keyset_rows(queries, per_page + 1, skip=skip, narrow=narrow)
    shown = [positions[:per_page] for positions in found]
    cards_by_id = cards_of([p.values[-1] for positions in shown for p in positions], now)
    result = []
    for positions, more, page in zip(shown, found, pages):
        cards = [cards_by_id[p.values[-1]] for p in positions if p.values[-1] in cards_by_id]
        following = len(more) > per_page
        result.append(CardPage(cards, page + 1 if following else None, positions[-1].token() if following else None))
    return result


def column_page(user: User, filters: LeadFilters, stage: LeadStage, page: int = 1,
                now: dt.datetime | None = None, per_page: int = PAGE_SIZE, after: str | None = None) -> CardPage:
    """One page of a column's cards after the `after` cursor the previous page gave; without one, page
    `page` from the column's start while that is near (DEEP_WINDOW cards), else nothing more to append."""
    now = now or utcnow()
    page = max(page, 1)
    start = Position.parse(after, BOARD_ORDER)
    skip = 0 if start is not None else (page - 1) * per_page
    if skip > DEEP_WINDOW:
        return CardPage([], None)
    queries = _column_queries(user, filters, [stage], now, start)
    return _card_pages(queries, [page], per_page, now, skip=skip, narrow=bool(filters.q))[0]


def board_columns(user: User, filters: LeadFilters, stages=tuple(LeadStage),
                  now: dt.datetime | None = None) -> list[Column]:
    """The given columns (default: all, in stage order), each with its total and first page."""
    now = now or utcnow()
    counts = stage_counts(user, filters, now)
    pages = _card_pages(_column_queries(user, filters, stages, now), [1] * len(stages), PAGE_SIZE, now,
                        narrow=bool(filters.q))
    return [Column(stage, counts[stage], page) for stage, page in zip(stages, pages)]


def move_card(lead: Lead, to_stage: LeadStage, *, by: User, expected_version: int | None,
              reason: str | None = None) -> str:
    """Apply a card dropped on another column; the caller commits on MOVED.

    Dropping on 已转化 asks for the conversion form (CONVERT), on 已流失 without a reason for the
    reason (NEEDS_REASON); illegal or stale moves raise."""
    check_version(lead, expected_version)
    if to_stage == LeadStage.CONVERTED:
        if lead.stage not in OPEN_STAGES:
            raise DomainError(_("不能从“%(from)s”移到“%(to)s”。", **{"from": lead.stage.label, "to": to_stage.label}))
        return CONVERT
    if to_stage == LeadStage.LOST and not (reason or "").strip() and lead.stage in OPEN_STAGES:
        return NEEDS_REASON
    change_stage(lead, to_stage, by=by, expected_version=expected_version, reason=reason or "")
    try:
        db.session.flush()
    except StaleDataError as error:  # another request committed between our read and this write
        raise StaleRecord(_("该线索已被他人修改，已为您显示最新内容，请确认后重试。")) from error
    return MOVED


# ---------- the pool ----------

def pool_campus(user: User, requested: int | None) -> Campus | None:
    """The campus whose pool the user looks at: their own, or for an admin the chosen one (default the first)."""
    if not is_admin(user):
        return user.campus
    campuses = scoped(Campus, user).order_by(Campus.id)
    if requested is not None:
        chosen = db.session.scalar(campuses.where(Campus.id == requested))
        if chosen is not None:
            return chosen
    return db.session.scalars(campuses.limit(1)).first()


def pool_leads(campus_id: int, filters: LeadFilters) -> Select:
    """A campus pool: its live, open leads without an owner, narrowed by source, tag, course and search.

    Pool leads lie outside a salesperson's scope (they see owned leads only), yet any of the
    campus's salespeople may browse and claim them, so this query stands beside `scoped`."""
    query = select(Lead).where(Lead.campus_id == campus_id, Lead.owner_id.is_(None), Lead.deleted_at.is_(None),
                               Lead.stage.in_(OPEN_STAGES))
    if filters.source_id is not None:
        query = query.where(Lead.source_id == filters.source_id)
    if filters.tag_id is not None:
        query = query.where(Lead.id.in_(select(lead_tags.c.lead_id).where(lead_tags.c.tag_id == filters.tag_id)))
    if filters.course_id is not None:
        query = query.where(Lead.id.in_(
            select(lead_courses.c.lead_id).where(lead_courses.c.course_id == filters.course_id)))
    if filters.q and (clause := search_clause(filters.q, campus_id)) is not None:
        query = query.where(clause)
    return query.options(selectinload(Lead.courses), selectinload(Lead.tags), selectinload(Lead.source)).order_by(
        Lead.created_at.desc(), Lead.id.desc())


def leads_in_scope(user: User, ids: list[int]) -> list[Lead] | None:
    """The user's leads with these ids, or None if any of them is not theirs to see."""
    wanted = set(ids)
    leads = db.session.scalars(scoped(Lead, user).where(Lead.id.in_(wanted)).options(
        selectinload(Lead.six_speed))).all()
    return leads if len(leads) == len(wanted) else None


def assignees(user: User, campus_id: int | None = None) -> list[User]:
    """Active salespeople a manager or admin may hand leads to (one campus, or every campus in scope)."""
    query = scoped(User, user).where(sales_accounts(), User.is_active.is_(True))
    if campus_id is not None:
        query = query.where(User.campus_id == campus_id)
    return db.session.scalars(query.order_by(User.campus_id, User.display_name)).all()


def owners(user: User) -> tuple:
    """People whose cards a manager or admin may filter the board by: (id, display_name), for choice_lists."""
    query = scoped(User, user).where(accounts_in(LEAD_OWNERS))
    return (query.with_only_columns(User.id.label("id"), User.display_name.label("name")),
            (User.is_active.desc(), User.display_name, User.id))
