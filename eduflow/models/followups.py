"""Following a lead up: the six-speed sheet (六速) and its change log, follow-ups and trial lessons."""
from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from sqlalchemy import Boolean, CheckConstraint, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from eduflow.models.base import Base, TimestampMixin, utcnow
from eduflow.models.enums import FollowUpMethod, Stickiness, TrialStatus, enum_column

if TYPE_CHECKING:
    from eduflow.models.leads import Lead
    from eduflow.models.org import User
    from eduflow.models.schedule import Lesson


class SixSpeed(TimestampMixin, Base):
    """六速跟进: one sheet per lead."""

    __tablename__ = "six_speeds"
    __table_args__ = (
        Index(None, "owner_id", "is_closed"),
        Index(None, "owner_id", "is_enrolled"),
        Index(None, "owner_id", "created_at"),
        CheckConstraint("stickiness IS NULL OR stickiness IN ('1', '2', '3')", name="stickiness_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    lead_id: Mapped[int] = mapped_column(ForeignKey("leads.id"), unique=True)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))  # the salesperson following up
    opened_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))  # who opened it (reports count them)
    purchase_power: Mapped[str] = mapped_column(String(255), default="")
    concept_awareness: Mapped[str] = mapped_column(Text, default="")
    preferred_class_time: Mapped[str] = mapped_column(String(255), default="")
    distance: Mapped[str] = mapped_column(String(255), default="")
    communication_notes: Mapped[str] = mapped_column(Text, default="")
    promised_visit_at: Mapped[dt.datetime | None] = mapped_column(DateTime, index=True)
    actual_visit_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    wechat_added: Mapped[bool] = mapped_column(Boolean, default=False)
    first_visit_at: Mapped[dt.datetime | None] = mapped_column(DateTime, index=True)
    first_visit_status: Mapped[str] = mapped_column(Text, default="")
    second_visit_at: Mapped[dt.datetime | None] = mapped_column(DateTime, index=True)
    second_visit_status: Mapped[str] = mapped_column(Text, default="")
    is_closed: Mapped[bool] = mapped_column(Boolean, default=False)
    is_enrolled: Mapped[bool] = mapped_column(Boolean, default=False)
    consultation_remark: Mapped[str] = mapped_column(String(255), default="")
    chasing_mark: Mapped[str] = mapped_column(String(255), default="")
    stickiness: Mapped[Stickiness | None] = mapped_column(enum_column(Stickiness))
    is_valid: Mapped[bool] = mapped_column(Boolean, default=True)
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")  # the sheet is saved whole

    __mapper_args__ = {"version_id_col": version}

    lead: Mapped[Lead] = relationship("Lead", back_populates="six_speed")
    owner: Mapped[User | None] = relationship("User", foreign_keys=[owner_id])
    opened_by: Mapped[User | None] = relationship("User", foreign_keys=[opened_by_id])



class SixSpeedChange(Base):
    """One edited field of a six-speed sheet (the modification log)."""

    __tablename__ = "six_speed_changes"
    __table_args__ = (Index(None, "six_speed_id", "changed_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    six_speed_id: Mapped[int] = mapped_column(ForeignKey("six_speeds.id"))
    field: Mapped[str] = mapped_column(String(64))
    old_value: Mapped[str] = mapped_column(Text, default="")
    new_value: Mapped[str] = mapped_column(Text, default="")
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    changed_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)

    changed_by: Mapped[User | None] = relationship("User")



class FollowUp(Base):
    """跟进记录 for a lead or a student (exactly one of them)."""

    __tablename__ = "follow_ups"
    __table_args__ = (
        Index(None, "lead_id", "followed_at"),
        Index(None, "student_id", "followed_at"),
        Index(None, "user_id", "followed_at"),
        CheckConstraint(
            "(lead_id IS NULL AND student_id IS NOT NULL) OR (lead_id IS NOT NULL AND student_id IS NULL)",
            name="one_subject",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    lead_id: Mapped[int | None] = mapped_column(ForeignKey("leads.id"))
    student_id: Mapped[int | None] = mapped_column(ForeignKey("students.id"))
    followed_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    method: Mapped[FollowUpMethod] = mapped_column(enum_column(FollowUpMethod))
    content: Mapped[str] = mapped_column(Text)
    feedback: Mapped[str] = mapped_column(Text, default="")
    next_plan: Mapped[str] = mapped_column(Text, default="")
    next_followup_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    user: Mapped[User | None] = relationship("User")



class TrialLesson(TimestampMixin, Base):
    """试听: a lead booked into a real lesson before enrolling."""

    __tablename__ = "trial_lessons"
    __table_args__ = (Index(None, "lead_id", "lesson_id", unique=True),)

    id: Mapped[int] = mapped_column(primary_key=True)
    lead_id: Mapped[int] = mapped_column(ForeignKey("leads.id"))
    lesson_id: Mapped[int] = mapped_column(ForeignKey("lessons.id"), index=True)
    status: Mapped[TrialStatus] = mapped_column(enum_column(TrialStatus), default=TrialStatus.BOOKED)
    booked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    notes: Mapped[str] = mapped_column(String(255), default="")

    lead: Mapped[Lead] = relationship("Lead")
    lesson: Mapped[Lesson] = relationship("Lesson")
    booked_by: Mapped[User | None] = relationship("User")
