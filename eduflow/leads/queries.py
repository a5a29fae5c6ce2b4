"""Finding leads: filters, search (name, pinyin, initials, last four digits, full phone), board order."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Select, func, select

from eduflow.access import is_manager, is_office, scope_clause, scoped
from eduflow.extensions import db
from eduflow.leads.stages import OPEN_STAGES
from eduflow.models import (
    Campus, Lead, LeadNameKey, LeadStage, LeadStageCount, Tag, User, lead_courses, lead_tags, utcnow,
)
from eduflow.keyset import Keyset
from eduflow.search import key_range, person_search

SORTS = {
    "next": (Lead.next_followup_at.is_(None), Lead.next_followup_at, Lead.id),
    "newest": (Lead.created_at.desc(), Lead.id.desc()),
    "last_followup": (Lead.last_followup_at.is_(None), Lead.last_followup_at.desc(), Lead.id.desc()),
    "name": (Lead.name_pinyin, Lead.id),
}
# Every lead list holds deleted_at at NULL (live leads), and the indexes place it right after campus/owner.
LIVE = (Lead.deleted_at,)
# The same orders for paging by position; each is an index range per segment (see models/leads.py's indexes).
KEYSETS = {
    "next": Keyset.nulls_last(Lead.next_followup_at, Lead.id, pinned=LIVE),
    "newest": Keyset.by((Lead.created_at, True), (Lead.id, True), pinned=LIVE),
    "last_followup": Keyset.nulls_last(Lead.last_followup_at, Lead.id, descending=True, pinned=LIVE),
    "name": Keyset.by((Lead.name_pinyin, False), (Lead.id, False), pinned=LIVE),
}


@dataclass
class LeadFilters:
    owner_id: int | None = None
    pool: bool = False  # only leads without an owner
    stage: LeadStage | None = None
    source_id: int | None = None
    tag_id: int | None = None
    course_id: int | None = None
    overdue: bool = False
    dormant: bool = False
    q: str = ""
    sort: str = "next"

    @property
    def narrows(self) -> bool:
        """Whether any filter but stage and order narrows the leads in scope."""
        return LeadFilters(stage=self.stage, sort=self.sort) != self


# Roles whose lead scope is whole campuses (eduflow.access: live leads of the campus, or of every campus).


def stage_totals(user: User) -> dict[LeadStage, int]:
    """Every stage's number of leads in the user's scope (zero included): a campus's from its kept counts
    (report_lead_stages, a few rows however many leads), a salesperson's own counted on the (owner, stage) index."""
    if is_office(user):
        kept = LeadStageCount
        query = (select(kept.stage, func.sum(kept.leads))
                 .where(kept.campus_id.in_(select(Campus.id).where(scope_clause(Campus, user))))
                 .group_by(kept.stage))
    else:
        query = select(Lead.stage, func.count()).where(scope_clause(Lead, user)).group_by(Lead.stage)
    found = {stage: int(n or 0) for stage, n in db.session.execute(query)}
    return {stage: found.get(stage, 0) for stage in LeadStage}


def counts_are_kept(user: User, filters: LeadFilters) -> bool:
    """Whether the kept counts hold the filters' totals: whole campuses, narrowed by stage at most."""
    return is_office(user) and not filters.narrows


def kept_total(user: User, filters: LeadFilters) -> int | None:
    """How many leads the filters select, read from the kept counts where they hold it; None: count them."""
    if not counts_are_kept(user, filters):
        return None
    totals = stage_totals(user)
    return totals[filters.stage] if filters.stage is not None else sum(totals.values())


def search_clause(q: str, campus_id: int | None = None):
    """张三 is found by 张三, zhangsan, zs, or any part of the name (张, 三, from the name keys' index); a phone by
    its last four digits or in full (eduflow.search.person_search). `campus_id` narrows every range to one campus."""
    q = (q or "").strip()
    if not q:
        return None
    here = [Lead.campus_id == campus_id] if campus_id else []
    keyed = select(LeadNameKey.lead_id).where(key_range(LeadNameKey.key, q),
                                             *([LeadNameKey.campus_id == campus_id] if campus_id else []))
    return person_search(Lead, q, keyed, live=[Lead.deleted_at.is_(None), *here])


def overdue_clause(now: dt.datetime):
    return (Lead.next_followup_at < now) & Lead.stage.in_(OPEN_STAGES)


def dormant_clause():
    return Lead.id.in_(select(lead_tags.c.lead_id).join(Tag).where(Tag.system_code == "dormant"))


def filtered_leads(user: User, filters: LeadFilters, now: dt.datetime | None = None) -> Select:
    """The user's leads (scope applied) narrowed by the filters, in the chosen order."""
    now = now or utcnow()
    query = scoped(Lead, user)
    conditions = [
        filters.owner_id is not None and Lead.owner_id == filters.owner_id,
        filters.pool and Lead.owner_id.is_(None),
        filters.stage is not None and Lead.stage == filters.stage,
        filters.source_id is not None and Lead.source_id == filters.source_id,
        filters.tag_id is not None and Lead.id.in_(select(lead_tags.c.lead_id).where(lead_tags.c.tag_id == filters.tag_id)),
        filters.course_id is not None and Lead.id.in_(
            select(lead_courses.c.lead_id).where(lead_courses.c.course_id == filters.course_id)),
        filters.overdue and overdue_clause(now),
        filters.dormant and dormant_clause(),
        search_clause(filters.q, user.campus_id if is_manager(user) else None) if filters.q else False,
    ]
    for condition in conditions:
        if condition is not False and condition is not None:
            query = query.where(condition)
    return query.order_by(*SORTS.get(filters.sort, SORTS["next"]))


def board_order(now: dt.datetime):
    """Overdue cards first, then by next follow-up (none last): ascending next follow-up does both."""
    return (Lead.next_followup_at.is_(None), Lead.next_followup_at, Lead.id)
