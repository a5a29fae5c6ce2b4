"""Enrolments (报名 / contracts), payments, the append-only lesson ledger and renewal reminders."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import Boolean, CheckConstraint, Date, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from eduflow.models.base import Base, Money, TimestampMixin, utcnow
from eduflow.models.enums import (
    AttendanceStatus, ContractStatus, EnrollmentStatus, LedgerKind, LedgerPool, PaymentMethod, ReminderKind,
    ReminderStatus, enum_column,
)

if TYPE_CHECKING:
    from eduflow.models.org import User
    from eduflow.models.schedule import ClassGroup, Course, Lesson
    from eduflow.models.students import Student


class Enrollment(TimestampMixin, Base):
    """报名 / contract. Paid amount is the sum of payments; the balance is the sum of the ledger."""


    __tablename__ = "enrollments"
    __table_args__ = (
        Index(None, "student_id", "status"),
        Index(None, "class_id", "status"),
        CheckConstraint("lessons_purchased >= 0", name="purchased_non_negative"),
        CheckConstraint("gift_lessons >= 0", name="gift_non_negative"),
        CheckConstraint("total_fee >= 0", name="fee_non_negative"),
    )


    id: Mapped[int] = mapped_column(primary_key=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("students.id"))
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"), index=True)
    class_id: Mapped[int | None] = mapped_column(ForeignKey("classes.id"))
    enrolled_on: Mapped[dt.date] = mapped_column(Date)
    total_fee: Mapped[Decimal] = mapped_column(Money, default=Decimal("0"))
    payment_method: Mapped[PaymentMethod | None] = mapped_column(enum_column(PaymentMethod))
    contract_no: Mapped[str] = mapped_column(String(64), unique=True)
    contract_status: Mapped[ContractStatus] = mapped_column(
        enum_column(ContractStatus), default=ContractStatus.UNSIGNED
    )
    lessons_purchased: Mapped[int] = mapped_column(Integer, default=0)
    gift_lessons: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[EnrollmentStatus] = mapped_column(enum_column(EnrollmentStatus), default=EnrollmentStatus.ACTIVE)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


    student: Mapped[Student] = relationship("Student")
    course: Mapped[Course] = relationship("Course")
    class_group: Mapped[ClassGroup | None] = relationship("ClassGroup")
    created_by: Mapped[User | None] = relationship("User")
    payments: Mapped[list[Payment]] = relationship("Payment", back_populates="enrollment", order_by="Payment.paid_at")


class Payment(Base):
    __tablename__ = "payments"
    __table_args__ = (
        Index(None, "enrollment_id", "paid_at"),
        CheckConstraint("amount > 0", name="amount_positive"),
    )


    id: Mapped[int] = mapped_column(primary_key=True)
    enrollment_id: Mapped[int] = mapped_column(ForeignKey("enrollments.id"))
    amount: Mapped[Decimal] = mapped_column(Money)  # always positive; is_refund says which way it went
    method: Mapped[PaymentMethod] = mapped_column(enum_column(PaymentMethod))
    paid_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    is_refund: Mapped[bool] = mapped_column(Boolean, default=False)
    note: Mapped[str] = mapped_column(String(255), default="")
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


    enrollment: Mapped[Enrollment] = relationship(Enrollment, back_populates="payments")
    recorded_by: Mapped[User | None] = relationship("User")


class LessonLedgerEntry(Base):
    """课时流水: append-only; an enrolment's remaining lessons is the sum of its entries (bought + gift pools)."""


    __tablename__ = "lesson_ledger"
    __table_args__ = (
        Index(None, "enrollment_id", "created_at"),
        Index(None, "student_id", "created_at"),
        Index(None, "attendance_id"),
        Index(None, "lesson_id", "attendance_id", "student_id", "units"),  # consumption per lesson day, covering
        Index(None, "enrollment_id", "pool", "units"),  # balances and pools, covering
    )


    id: Mapped[int] = mapped_column(primary_key=True)
    enrollment_id: Mapped[int] = mapped_column(ForeignKey("enrollments.id"))
    student_id: Mapped[int] = mapped_column(ForeignKey("students.id"))
    kind: Mapped[LedgerKind] = mapped_column(enum_column(LedgerKind))
    units: Mapped[int] = mapped_column(Integer)  # signed: credits positive, debits negative
    # Bought and gift remainders are kept apart: a refund pays back bought lessons only.
    pool: Mapped[LedgerPool] = mapped_column(enum_column(LedgerPool), default=LedgerPool.BOUGHT)
    lesson_id: Mapped[int | None] = mapped_column(ForeignKey("lessons.id"))
    attendance_id: Mapped[int | None] = mapped_column(ForeignKey("attendance.id"))
    # The mark as it was when this row was written (a later correction has its own row and status).
    attendance_status: Mapped[AttendanceStatus | None] = mapped_column(enum_column(AttendanceStatus))
    reason: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


    enrollment: Mapped[Enrollment] = relationship(Enrollment)
    lesson: Mapped[Lesson | None] = relationship("Lesson")
    created_by: Mapped[User | None] = relationship("User")


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


    student: Mapped[Student] = relationship("Student")
    enrollment: Mapped[Enrollment] = relationship("Enrollment")
    assigned_to: Mapped[User | None] = relationship("User", foreign_keys=[assigned_to_id])
