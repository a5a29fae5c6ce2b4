"""Campuses, staff accounts and the settings that tune the business rules."""
from __future__ import annotations

import datetime as dt

from flask_login import UserMixin
from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, Time, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from eduflow.models.base import Base, EncryptedText, PhoneMixin, TimestampMixin
from eduflow.models.enums import AttendanceStatus, Role, enum_column


class Campus(TimestampMixin, Base):
    __tablename__ = "campuses"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    address: Mapped[str] = mapped_column(String(255), default="")
    phone: Mapped[str] = mapped_column(String(32), default="")  # the front desk, not personal data
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)

    def __str__(self) -> str:
        return self.name


class User(UserMixin, PhoneMixin, TimestampMixin, Base):
    __tablename__ = "users"
    __table_args__ = (Index(None, "campus_id", "role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    display_name: Mapped[str] = mapped_column(String(64))
    role: Mapped[Role] = mapped_column(enum_column(Role))
    campus_id: Mapped[int | None] = mapped_column(ForeignKey("campuses.id"))
    email: Mapped[str | None] = mapped_column(EncryptedText)
    position: Mapped[str] = mapped_column(String(64), default="")
    hire_date: Mapped[dt.date | None] = mapped_column(Date)
    leave_date: Mapped[dt.date | None] = mapped_column(Date)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    locale: Mapped[str | None] = mapped_column(String(8))
    # Bumped on password change or deactivation: invalidates every other session and remember cookie.
    session_token: Mapped[str] = mapped_column(String(32))

    campus: Mapped[Campus | None] = relationship()

    def get_id(self) -> str:
        return f"{self.id}:{self.session_token}"

    def __str__(self) -> str:
        return self.display_name


class Settings(TimestampMixin, Base):
    """Rule thresholds: the row with no campus is the default; a campus row overrides it."""

    __tablename__ = "settings"
    __table_args__ = (UniqueConstraint("campus_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campus_id: Mapped[int | None] = mapped_column(ForeignKey("campuses.id"))
    dormant_days: Mapped[int] = mapped_column(Integer, default=180)
    pool_return_days: Mapped[int] = mapped_column(Integer, default=30)
    max_open_leads: Mapped[int] = mapped_column(Integer, default=200)
    low_hours_threshold: Mapped[int] = mapped_column(Integer, default=5)
    contract_expiry_days: Mapped[int] = mapped_column(Integer, default=30)
    high_value_amount: Mapped[int] = mapped_column(Integer, default=100_000)
    attendance_lock_days: Mapped[int] = mapped_column(Integer, default=7)
    # Comma-separated AttendanceStatus values that deduct lesson units.
    deducting_statuses: Mapped[str] = mapped_column(
        String(64), default=",".join([AttendanceStatus.PRESENT, AttendanceStatus.LATE, AttendanceStatus.ABSENT])
    )
    # Attendance consumes bought lessons first unless the campus chooses gift lessons first.
    gift_first: Mapped[bool] = mapped_column(Boolean, default=False)
    # 请假: parents may ask leave up to this many hours before a lesson starts.
    leave_cutoff_hours: Mapped[int] = mapped_column(Integer, default=2)
    # Notifications: quiet hours hold non-urgent messages until they end; channels beyond the inbox are switched on
    # per campus (the provider's keys come from the environment).
    quiet_start: Mapped[dt.time] = mapped_column(Time, default=dt.time(21))
    quiet_end: Mapped[dt.time] = mapped_column(Time, default=dt.time(8))
    reminder_time: Mapped[dt.time] = mapped_column(Time, default=dt.time(19))  # the evening-before lesson reminder
    notify_email: Mapped[bool] = mapped_column(Boolean, default=False)
    notify_sms: Mapped[bool] = mapped_column(Boolean, default=False)
    notify_wechat: Mapped[bool] = mapped_column(Boolean, default=False)

    campus: Mapped[Campus | None] = relationship()

    @property
    def deducting(self) -> set[AttendanceStatus]:
        return {AttendanceStatus(v) for v in self.deducting_statuses.split(",") if v}
