"""The lead's follow-up timeline: follow-ups, stage changes, six-speed edits, pool events and trials,
merged newest first, a page at a time (see eduflow/timeline.py)."""
from __future__ import annotations

from sqlalchemy import select

from eduflow.models import FollowUp, LeadPoolEvent, LeadStageChange, SixSpeed, SixSpeedChange, TrialLesson
from eduflow.timeline import Cursor, TimelineItem, merge_page

PAGE = 20
KINDS = ("follow_up", "pool", "six_speed", "stage", "trial")


def _sources(lead_id: int):
    """(kind, timestamp column, query) for every kind of entry on a lead's timeline."""
    return [
        ("follow_up", FollowUp.followed_at, select(FollowUp).where(FollowUp.lead_id == lead_id)),
        ("stage", LeadStageChange.changed_at, select(LeadStageChange).where(LeadStageChange.lead_id == lead_id)),
        ("six_speed", SixSpeedChange.changed_at, select(SixSpeedChange).join(SixSpeed).where(SixSpeed.lead_id == lead_id)),
        ("pool", LeadPoolEvent.happened_at, select(LeadPoolEvent).where(LeadPoolEvent.lead_id == lead_id)),
        ("trial", TrialLesson.created_at, select(TrialLesson).where(TrialLesson.lead_id == lead_id)),
    ]


def parse_cursor(raw: str) -> Cursor | None:
    return Cursor.parse(raw, KINDS)


def lead_timeline(lead_id: int, before: Cursor | None = None, limit: int = PAGE) -> tuple[list[TimelineItem], Cursor | None]:
    """One page of entries after the `before` cursor, and the cursor for the next page (None at the end)."""
    return merge_page(_sources(lead_id), before, limit)
