"""Reference data every installation needs (default settings, source channels, system tags), and the choices of it
that the lead, student and import forms offer (and their services re-check)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from eduflow.extensions import db
from eduflow.models import Campus, Settings, SourceChannel, Tag, TagCategory, TagKind

DEFAULT_SOURCES = [("线上广告", False), ("地推", False), ("转介绍", True), ("官网", False), ("电话咨询", False),
                   ("展会", False)]
SYSTEM_TAGS = [("dormant", "休眠", TagCategory.VALUE), ("high_value", "高价值", TagCategory.VALUE)]
# The system tags' names as the system wrote them, shown in the reader's language; a name an admin typed (a manual
# tag, or a system tag renamed) is shown as typed.
_SYSTEM_TAG_LABELS = {"休眠": _l("休眠"), "高价值": _l("高价值")}


def tag_label(name: str) -> str:
    """A tag's name as shown: the system tags' own names translated, every other name as typed."""
    label = _SYSTEM_TAG_LABELS.get(name)
    return name if label is None else str(label)


def active_campuses() -> list[Campus]:
    return list(db.session.scalars(select(Campus).where(Campus.is_active).order_by(Campus.name)))


def selectable_sources(current_id: int | None = None) -> list[SourceChannel]:
    """Active source channels, plus the record's current one even when it was switched off."""
    query = select(SourceChannel).where(SourceChannel.is_active | (SourceChannel.id == current_id))
    return list(db.session.scalars(query.order_by(SourceChannel.sort_order, SourceChannel.name)))


def manual_tags() -> list[Tag]:
    """Tags a person may set; system tags (休眠, 高价值) belong to the scheduled job."""
    return list(db.session.scalars(select(Tag).where(Tag.kind == TagKind.MANUAL).order_by(Tag.category, Tag.name)))


def ensure_reference_data() -> None:
    """Create what is missing (idempotent); the caller commits."""
    if db.session.scalar(select(Settings).where(Settings.campus_id.is_(None))) is None:
        db.session.add(Settings(campus_id=None))
    if db.session.scalar(select(SourceChannel.id).limit(1)) is None:
        for order, (name, referral) in enumerate(DEFAULT_SOURCES):
            db.session.add(SourceChannel(name=name, is_referral=referral, sort_order=order))
    existing = set(db.session.scalars(select(Tag.system_code).where(Tag.system_code.is_not(None))))
    for code, name, category in SYSTEM_TAGS:
        if code not in existing:
            db.session.add(Tag(name=name, category=category, kind=TagKind.SYSTEM, system_code=code))
    db.session.flush()
