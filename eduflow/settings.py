"""The rule thresholds in force for a campus: its own Settings row, else the default row."""
from __future__ import annotations

from sqlalchemy import select

from eduflow.extensions import db
from eduflow.models import Settings


def settings_for(campus_id: int | None) -> Settings:
    """Campus override if present, else the default row (created on first use)."""
    if campus_id is not None:
        own = db.session.scalar(select(Settings).where(Settings.campus_id == campus_id))
        if own is not None:
            return own
    default = db.session.scalar(select(Settings).where(Settings.campus_id.is_(None)).order_by(Settings.id).limit(1))
    if default is None:
        default = Settings(campus_id=None)
        db.session.add(default)
        db.session.flush()
    return default
