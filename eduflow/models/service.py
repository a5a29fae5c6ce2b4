"""Student lifecycle: status changes with approval, reviews, renewal reminders."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import CheckConstraint, Date, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from eduflow.models.base import Base, Money, utcnow
from eduflow.models.enums import (
    ApprovalStatus, ReminderKind, ReminderStatus, StatusChangeKind, StudentStatus, enum_column,
)


class StatusChange(Base):
    """学员状态变更: requested, then approved (and applied) or rejected by a manager."""

    __tablename__ = "status_changes"
    __table_args__ = (Index(None, "approval_status", "requested_at"), Index(None, "student_id", "requested_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("students.id"))
    enrollment_id: Mapped[int | None] = mapped_column(ForeignKey("enrollments.id"))
    kind: Mapped[StatusChangeKind] = mapped_column(enum_column(StatusChangeKind))
    old_status: Mapped[StudentStatus] = mapped_column(enum_column(StudentStatus))
    new_status: Mapped[StudentStatus] = mapped_column(enum_column(StudentStatus))
    reason: Mapped[str] = mapped_column(Text)
    target_class_id: Mapped[int | None] = mapped_column(ForeignKey("classes.id"))  # 转班
    refund_amount: Mapped[Decimal | None] = mapped_column(Money)  # 退费
    effective_on: Mapped[dt.date | None] = mapped_column(Date)  # 休学: the first day off; 复学: the first day back
    planned_return_on: Mapped[dt.date | None] = mapped_column(Date)  # 休学, optional
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    requested_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    approval_status: Mapped[ApprovalStatus] = mapped_column(
        enum_column(ApprovalStatus), default=ApprovalStatus.PENDING
    )
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    approved_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    notes: Mapped[str] = mapped_column(Text, default="")

    student = relationship("Student")
    enrollment = relationship("Enrollment")
    target_class = relationship("ClassGroup")
    requested_by = relationship("User", foreign_keys=[requested_by_id])
    approved_by = relationship("User", foreign_keys=[approved_by_id])


class Review(Base):
    """评价: ratings 1–5 for a course and teacher, with one reply."""

    __tablename__ = "reviews"
    __table_args__ = (
        Index(None, "teacher_id", "reviewed_on"),
        Index(None, "course_id", "reviewed_on"),
        CheckConstraint("overall_rating BETWEEN 1 AND 5", name="overall_range"),
        CheckConstraint("course_rating BETWEEN 1 AND 5", name="course_range"),
        CheckConstraint("teacher_rating BETWEEN 1 AND 5", name="teacher_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("students.id"), index=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"))
    teacher_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    overall_rating: Mapped[int] = mapped_column(Integer)
    course_rating: Mapped[int] = mapped_column(Integer)
    teacher_rating: Mapped[int] = mapped_column(Integer)
    comment: Mapped[str] = mapped_column(Text, default="")
    reviewed_on: Mapped[dt.date] = mapped_column(Date)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reply: Mapped[str] = mapped_column(Text, default="")
    replied_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    replied_at: Mapped[dt.datetime | None] = mapped_column(DateTime)

    student = relationship("Student")
    course = relationship("Course")
    teacher = relationship("User", foreign_keys=[teacher_id])
    replied_by = relationship("User", foreign_keys=[replied_by_id])


class RenewalReminder(Base):
    """续费提醒, raised by the scheduled job: at most one pending per enrolment and kind."""

    __tablename__ = "renewal_reminders"
    __table_args__ = (
        Index(None, "enrollment_id", "kind", "status"),
        Index(None, "assigned_to_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("students.id"))
    enrollment_id: Mapped[int] = mapped_column(ForeignKey("enrollments.id"))
    kind: Mapped[ReminderKind] = mapped_column(enum_column(ReminderKind))
    trigger_value: Mapped[str] = mapped_column(String(64), default="")
    due_date: Mapped[dt.date | None] = mapped_column(Date)
    assigned_to_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    status: Mapped[ReminderStatus] = mapped_column(enum_column(ReminderStatus), default=ReminderStatus.PENDING)
    is_urgent: Mapped[bool] = mapped_column(default=False)
    reminded_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    processed_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    processed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    notes: Mapped[str] = mapped_column(Text, default="")

    student = relationship("Student")
    enrollment = relationship("Enrollment")
    assigned_to = relationship("User", foreign_keys=[assigned_to_id])
