"""The lead's follow-up timeline: follow-ups, stage changes, six-speed edits, pool events and trials,
merged newest first, a page at a time."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from eduflow.extensions import db
from eduflow.models import FollowUp, LeadPoolEvent, LeadStageChange, SixSpeed, SixSpeedChange, TrialLesson

PAGE = 20


@dataclass(frozen=True)
class TimelineItem:
    kind: str  # follow_up, stage, six_speed, pool, trial: the template shows each differently
    at: dt.datetime
    record: Any

    @property
    def key(self) -> str:
        return f"{self.kind}-{self.record.id}"


def _sources(lead_id: int):
    """(kind, timestamp column, query) for every kind of entry on a lead's timeline."""
    return [
        ("follow_up", FollowUp.followed_at, select(FollowUp).where(FollowUp.lead_id == lead_id)),
        ("stage", LeadStageChange.changed_at, select(LeadStageChange).where(LeadStageChange.lead_id == lead_id)),
        ("six_speed", SixSpeedChange.changed_at, select(SixSpeedChange).join(SixSpeed).where(SixSpeed.lead_id == lead_id)),
        ("pool", LeadPoolEvent.happened_at, select(LeadPoolEvent).where(LeadPoolEvent.lead_id == lead_id)),
        ("trial", TrialLesson.created_at, select(TrialLesson).where(TrialLesson.lead_id == lead_id)),
    ]


def lead_timeline(lead_id: int, before: dt.datetime | None = None, limit: int = PAGE) -> tuple[list[TimelineItem], dt.datetime | None]:
    """One page of entries older than `before`, and the cursor for the next page (None at the end)."""
    items: list[TimelineItem] = []
    for kind, column, query in _sources(lead_id):
        if before is not None:
            query = query.where(column < before)
        rows = db.session.scalars(query.order_by(column.desc()).limit(limit + 1))
        items.extend(TimelineItem(kind, getattr(row, column.key), row) for row in rows)
    items.sort(key=lambda item: (item.at, item.kind, item.record.id), reverse=True)
    page = items[:limit]
    more = len(items) > limit
    return page, (page[-1].at if more and page else None)
