"""What a follow-up (跟进记录, eduflow.followups) changes on a lead: its last/next follow-up times and its stage."""
from __future__ import annotations

from eduflow.followups import record_follow_up
from eduflow.leads.stages import change_stage
from eduflow.models import FollowUp, Lead, LeadStage, User


def add_lead_follow_up(lead: Lead, *, by: User, **values) -> FollowUp:
    """Record a follow-up (record_follow_up's values); the lead's last/next follow-up times follow it, and a
    新咨询 lead becomes 首次沟通."""
    follow_up = record_follow_up(lead, by=by, **values)
    if lead.last_followup_at is None or follow_up.followed_at >= lead.last_followup_at:
        lead.last_followup_at = follow_up.followed_at
        lead.next_followup_at = follow_up.next_followup_at
    if lead.stage == LeadStage.NEW:
        change_stage(lead, LeadStage.CONTACTED, by=by)
    return follow_up
