"""The campus lead pool (公海): release, claim (first come, first served, within the cap), assignment."""
from __future__ import annotations

import datetime as dt

from flask_babel import gettext as _
from sqlalchemy import func, select, update

from eduflow.access import may_own_leads
from eduflow.domain import DomainError, LimitReached
from eduflow.extensions import db
from eduflow.leads.stages import OPEN_STAGES
from eduflow.models import Lead, LeadPoolEvent, NotificationKind, PoolAction, User, utcnow
from eduflow.notifications.outbox import record_events
from eduflow.notifications.staff import colleague_events, path_to
from eduflow.settings import settings_for


def open_lead_count(user: User) -> int:
    return db.session.scalar(
        select(func.count(Lead.id)).where(Lead.owner_id == user.id, Lead.stage.in_(OPEN_STAGES),
                                          Lead.deleted_at.is_(None))
    )


def check_cap(user: User, adding: int) -> None:
    cap = settings_for(user.campus_id).max_open_leads
    held = open_lead_count(user)
    if held + adding > cap:
        raise LimitReached(_("%(name)s 已持有 %(held)s 条未结束线索，上限为 %(cap)s 条。",
                             name=user.display_name, held=held, cap=cap))


def _event(lead_id: int, action: PoolAction, *, from_user_id=None, to_user_id=None, by: User | None = None,
           reason: str = "", idle_days: int | None = None, at: dt.datetime | None = None) -> None:
    db.session.add(LeadPoolEvent(lead_id=lead_id, action=action, from_user_id=from_user_id, to_user_id=to_user_id,
                                 by_user_id=by.id if by else None, reason=reason[:255], idle_days=idle_days,
                                 happened_at=at or utcnow()))


def record_return(lead_id: int, owner_id: int, *, idle_days: int, at: dt.datetime) -> None:
    """Log an overdue lead's return to the pool: the days it went without follow-up, shown in the reader's language."""
    _event(lead_id, PoolAction.RETURN, from_user_id=owner_id, idle_days=idle_days, at=at)


def release(lead: Lead, *, by: User, reason: str = "", action: PoolAction = PoolAction.RELEASE) -> None:
    """Put a lead back in its campus pool."""
    if lead.owner_id is None:
        raise DomainError(_("该线索已在公海中。"))
    _event(lead.id, action, from_user_id=lead.owner_id, by=by, reason=reason)
    lead.owner_id = None
    lead.owner_assigned_at = None
    if lead.six_speed is not None:
        lead.six_speed.owner_id = None


def claim(lead_id: int, *, by: User) -> Lead | None:
    """Take an open lead of the user's campus pool, within the cap; None when there is no such lead for them.

    Unknown, deleted, closed, on another campus or already owned (a colleague was faster) are all the same
    answer: the user may not learn that a lead they cannot claim exists. Two people claiming at once: one
    conditional UPDATE wins, the other gets None.
    """
    if not may_own_leads(by):
        raise DomainError(_("只有课程顾问和主管可以领取线索。"))
    check_cap(by, 1)
    now = utcnow()
    taken = db.session.execute(
        update(Lead)
        .where(Lead.id == lead_id, Lead.owner_id.is_(None), Lead.campus_id == by.campus_id,
               Lead.deleted_at.is_(None), Lead.stage.in_(OPEN_STAGES))
        .values(owner_id=by.id, owner_assigned_at=now, version=Lead.version + 1)
        .execution_options(synchronize_session=False)
    ).rowcount
    if taken != 1:
        return None
    _event(lead_id, PoolAction.CLAIM, to_user_id=by.id, by=by)
    lead = db.session.get(Lead, lead_id, populate_existing=True)
    if lead.six_speed is not None:
        lead.six_speed.owner_id = by.id
    return lead


def assign(leads: list[Lead], *, to_user: User, by: User, reason: str = "") -> int:
    """A manager hands one or many leads of their campus to a salesperson (pool or reassignment)."""
    if not to_user.is_active or not may_own_leads(to_user):
        raise DomainError(_("只能分配给在职的课程顾问或主管。"))
    moving = [lead for lead in leads if lead.owner_id != to_user.id]
    if any(lead.campus_id != to_user.campus_id for lead in moving):
        raise DomainError(_("只能分配给同校区的同事。"))
    check_cap(to_user, sum(1 for lead in moving if lead.stage in OPEN_STAGES))
    tell_new_owner(moving, to_user, by=by)
    now = utcnow()
    for lead in moving:
        _event(lead.id, PoolAction.ASSIGN, from_user_id=lead.owner_id, to_user_id=to_user.id, by=by, reason=reason)
        lead.owner_id, lead.owner_assigned_at = to_user.id, now
        if lead.six_speed is not None:
            lead.six_speed.owner_id = to_user.id
    return len(moving)


def tell_new_owner(leads: list[Lead], owner: User, *, by: User) -> None:
    """线索分配: the new owner hears of each lead someone else gave them (taking one yourself tells nobody), all in
    one INSERT; the lead's version before the change names the event, so one assignment tells once."""
    record_events([event for lead in leads for event in colleague_events(
        NotificationKind.LEAD_ASSIGNED, [owner.id], f"lead_assigned:{lead.id}:v{lead.version}",
        {"lead": lead.name, "by": by.display_name}, campus_id=lead.campus_id,
        link=path_to("leads.detail", lead_id=lead.id), by=by)])
