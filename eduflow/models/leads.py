"""The sales side: leads, their stages and name keys, source channels and tags, the pool and inheritance."""
from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from sqlalchemy import (
    Boolean, Column, Date, DateTime, ForeignKey, Index, Integer, String, Table, Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from eduflow.models import name_keys
from eduflow.models.base import (
    Base, EncryptedText, PhoneMixin, PinyinNameMixin, SoftDeleteMixin, TimestampMixin, utcnow,
)
from eduflow.models.enums import CustomerLevel, Gender, LeadStage, PoolAction, TagCategory, TagKind, enum_column

if TYPE_CHECKING:
    from eduflow.models.followups import SixSpeed
    from eduflow.models.org import Campus, User
    from eduflow.models.schedule import Course
    from eduflow.models.students import Student


lead_courses = Table(
    "lead_courses",
    Base.metadata,
    Column("lead_id", ForeignKey("leads.id", ondelete="CASCADE"), primary_key=True),
    Column("course_id", ForeignKey("courses.id"), primary_key=True),
)



lead_tags = Table(
    "lead_tags",
    Base.metadata,
    Column("lead_id", ForeignKey("leads.id", ondelete="CASCADE"), primary_key=True),
    Column("tag_id", ForeignKey("tags.id"), primary_key=True, index=True),
)



class SourceChannel(Base):
    __tablename__ = "source_channels"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    is_referral: Mapped[bool] = mapped_column(Boolean, default=False)  # 转介绍: requires a referrer
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    sort_order: Mapped[int] = mapped_column(Integer, default=0)

    def __str__(self) -> str:
        return self.name



class Tag(Base):
    __tablename__ = "tags"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    category: Mapped[TagCategory] = mapped_column(enum_column(TagCategory), default=TagCategory.CUSTOM)
    kind: Mapped[TagKind] = mapped_column(enum_column(TagKind), default=TagKind.MANUAL)
    # Set on the tags the scheduled job manages (dormant, high_value); manual tags have none.
    system_code: Mapped[str | None] = mapped_column(String(32), unique=True)

    def __str__(self) -> str:
        return self.name



class Lead(PinyinNameMixin, PhoneMixin, SoftDeleteMixin, TimestampMixin, Base):
    __tablename__ = "leads"
    __table_args__ = (
        Index(None, "owner_id", "stage"),
        Index(None, "owner_id", "created_at"),
        Index(None, "campus_id", "stage", "next_followup_at"),
        # The board, the lead list and the pool count and page through these without reading the table:
        # each begins with what scope and soft delete fix (the campus or owner, deleted_at IS NULL) and ends
        # with an order's keys, so a column or a page is one index range (eduflow/keyset.py, Keyset).
        Index(None, "campus_id", "deleted_at", "stage", "next_followup_at", "id"),
        Index(None, "owner_id", "deleted_at", "stage", "next_followup_at", "id"),
        Index(None, "campus_id", "deleted_at", "next_followup_at", "id"),
        Index(None, "campus_id", "deleted_at", "last_followup_at", "id"),
        Index(None, "campus_id", "deleted_at", "created_at", "id"),
        Index(None, "campus_id", "deleted_at", "name_pinyin", "id"),  # sort by name, and pinyin prefix search
        Index(None, "campus_id", "deleted_at", "name_initials", "id"),  # initials prefix search
        Index(None, "campus_id", "deleted_at", "phone_last4"),  # last four digits
        Index(None, "campus_id", "deleted_at", "phone_hash"),  # the whole number, and the duplicate check
        Index(None, "campus_id", "owner_id", "deleted_at", "created_at", "stage", "id"),  # the pool, newest first
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    gender: Mapped[Gender] = mapped_column(enum_column(Gender), default=Gender.UNKNOWN)
    birth_date: Mapped[dt.date | None] = mapped_column(Date)
    contact_name: Mapped[str] = mapped_column(String(64), default="")
    contact_relation: Mapped[str] = mapped_column(String(32), default="")
    wechat_id: Mapped[str] = mapped_column(String(64), default="")
    email: Mapped[str | None] = mapped_column(EncryptedText)
    source_id: Mapped[int | None] = mapped_column(ForeignKey("source_channels.id"))
    referrer_student_id: Mapped[int | None] = mapped_column(ForeignKey("students.id"), index=True)
    consult_date: Mapped[dt.date | None] = mapped_column(Date)
    stage: Mapped[LeadStage] = mapped_column(enum_column(LeadStage), default=LeadStage.NEW)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))  # None: in the campus pool
    campus_id: Mapped[int] = mapped_column(ForeignKey("campuses.id"))
    level: Mapped[CustomerLevel] = mapped_column(enum_column(CustomerLevel), default=CustomerLevel.POTENTIAL)
    is_valid: Mapped[bool] = mapped_column(Boolean, default=True)
    lost_reason: Mapped[str] = mapped_column(String(255), default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    last_followup_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    next_followup_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    owner_assigned_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    converted_student_id: Mapped[int | None] = mapped_column(ForeignKey("students.id"), index=True)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}

    owner: Mapped[User | None] = relationship("User", foreign_keys=[owner_id])
    campus: Mapped[Campus] = relationship("Campus")
    source: Mapped[SourceChannel | None] = relationship(SourceChannel)
    referrer: Mapped[Student | None] = relationship("Student", foreign_keys=[referrer_student_id])
    converted_student: Mapped[Student | None] = relationship("Student", foreign_keys=[converted_student_id])
    courses: Mapped[list[Course]] = relationship("Course", secondary=lead_courses)
    tags: Mapped[list[Tag]] = relationship(Tag, secondary=lead_tags)
    six_speed: Mapped[SixSpeed | None] = relationship("SixSpeed", back_populates="lead", uselist=False)

    def __str__(self) -> str:
        return self.name



class LeadStageChange(Base):
    __tablename__ = "lead_stage_changes"
    __table_args__ = (Index(None, "lead_id", "changed_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    lead_id: Mapped[int] = mapped_column(ForeignKey("leads.id"))
    from_stage: Mapped[LeadStage | None] = mapped_column(enum_column(LeadStage))
    to_stage: Mapped[LeadStage] = mapped_column(enum_column(LeadStage))
    reason: Mapped[str] = mapped_column(String(255), default="")
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    changed_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)

    changed_by: Mapped[User | None] = relationship("User")



def name_key_rows(lead_id: int, campus_id: int, name: str) -> list[dict]:
    """A lead's name keys as rows of lead_name_keys (eduflow.models.name_keys keeps them)."""
    return name_keys.name_key_rows("lead_id", lead_id, campus_id, name)



class LeadPoolEvent(Base):
    """A lead leaving or entering an owner's hands: release, claim, return, assignment, inheritance."""

    __tablename__ = "lead_pool_events"
    __table_args__ = (Index(None, "lead_id", "happened_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    lead_id: Mapped[int] = mapped_column(ForeignKey("leads.id"))
    action: Mapped[PoolAction] = mapped_column(enum_column(PoolAction))
    from_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    to_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reason: Mapped[str] = mapped_column(String(255), default="")  # as a person typed it; empty for a return
    idle_days: Mapped[int | None] = mapped_column(Integer)  # a return: the days without follow-up that caused it
    happened_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)

    from_user: Mapped[User | None] = relationship("User", foreign_keys=[from_user_id])
    to_user: Mapped[User | None] = relationship("User", foreign_keys=[to_user_id])
    by_user: Mapped[User | None] = relationship("User", foreign_keys=[by_user_id])



class LeadInheritance(Base):
    """客户继承: a departing user's leads and students handed to a colleague."""

    __tablename__ = "lead_inheritances"

    id: Mapped[int] = mapped_column(primary_key=True)
    from_user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    to_user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    leads_moved: Mapped[int] = mapped_column(Integer, default=0)
    students_moved: Mapped[int] = mapped_column(Integer, default=0)
    operator_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    notes: Mapped[str] = mapped_column(String(255), default="")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)

    from_user: Mapped[User] = relationship("User", foreign_keys=[from_user_id])
    to_user: Mapped[User] = relationship("User", foreign_keys=[to_user_id])
    operator: Mapped[User | None] = relationship("User", foreign_keys=[operator_id])
