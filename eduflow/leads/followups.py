"""Follow-ups (跟进记录) on leads, and what they change on the lead."""
from __future__ import annotations

import datetime as dt

from flask_babel import gettext as _

from eduflow.domain import DomainError
from eduflow.extensions import db
from eduflow.leads.stages import change_stage
from eduflow.models import FollowUp, FollowUpMethod, Lead, LeadStage, User, utcnow


def add_lead_follow_up(lead: Lead, *, by: User, method: FollowUpMethod, content: str, feedback: str = "",
                       next_plan: str = "", next_followup_at: dt.datetime | None = None,
                       followed_at: dt.datetime | None = None) -> FollowUp:
    """Record a follow-up; the lead's last/next follow-up times follow it, and a 新咨询 lead becomes 首次沟通."""
    content = (content or "").strip()
    if not content:
        raise DomainError(_("请填写跟进内容。"))
    followed_at = followed_at or utcnow()
    if next_followup_at is not None and next_followup_at <= followed_at:
        raise DomainError(_("下次跟进时间必须晚于本次跟进时间。"))
    follow_up = FollowUp(lead_id=lead.id, followed_at=followed_at, method=method, content=content,
                         feedback=(feedback or "").strip(), next_plan=(next_plan or "").strip(),
                         next_followup_at=next_followup_at, user_id=by.id)
    db.session.add(follow_up)
    if lead.last_followup_at is None or followed_at >= lead.last_followup_at:
        lead.last_followup_at = followed_at
        lead.next_followup_at = next_followup_at
    if lead.stage == LeadStage.NEW:
        change_stage(lead, LeadStage.CONTACTED, by=by)
    return follow_up
