"""The parent side (家长端): parent accounts, their invitations and one-time codes, and leave requests.

A parent account is not a staff user: it is identified by a phone number and sees the students whose `Parent`
rows carry that number (the blind index), across campuses, unless staff revoked that row's access.
"""
from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from flask_login import UserMixin
from sqlalchemy import Boolean, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from eduflow.models.base import Base, PhoneMixin, TimestampMixin, utcnow

if TYPE_CHECKING:
    from eduflow.models.org import User
    from eduflow.models.schedule import Lesson
    from eduflow.models.students import Parent, Student


class ParentAccount(UserMixin, PhoneMixin, TimestampMixin, Base):
    """家长账号: one per phone number; signs in at /p/login, never on the staff login page."""

    __tablename__ = "parent_accounts"

    is_parent = True  # the staff pages refuse this kind of user (eduflow.parents.access)
    role = None  # no staff role: every role_required view refuses it

    id: Mapped[int] = mapped_column(primary_key=True)
    phone_hash: Mapped[str | None] = mapped_column(String(64), unique=True)  # one account per phone number
    password_hash: Mapped[str] = mapped_column(String(255))
    session_token: Mapped[str] = mapped_column(String(32))
    locale: Mapped[str | None] = mapped_column(String(8))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    last_login_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    # The iCal feed's secret (a random token in the URL); replaced to revoke the old URL.
    calendar_token: Mapped[str | None] = mapped_column(String(64), unique=True)
    # The parent's openid at the school's WeChat Official Account, bound when they sign in from WeChat's browser
    # (template messages go to it).
    wechat_openid: Mapped[str | None] = mapped_column(String(64), unique=True)

    def get_id(self) -> str:
        return f"p{self.id}:{self.session_token}"

    @property
    def display_name(self) -> str:
        from eduflow.security.phones import mask_phone

        return mask_phone(self.phone)

    def __str__(self) -> str:
        return self.display_name


class ParentInvite(Base):
    """A QR invitation for one Parent row: single use, valid 7 days; the link carries a signed token of its id."""

    __tablename__ = "parent_invites"

    id: Mapped[int] = mapped_column(primary_key=True)
    parent_id: Mapped[int] = mapped_column(ForeignKey("parents.id"), index=True)
    nonce: Mapped[str] = mapped_column(String(32))  # in the signed token: a link cannot be forged from an id
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime)
    used_at: Mapped[dt.datetime | None] = mapped_column(DateTime)

    parent: Mapped[Parent] = relationship("Parent")
    created_by: Mapped[User | None] = relationship("User")


class ParentLoginCode(Base):
    """A one-time sign-in code sent to the parent (e-mail until SMS is configured); stored hashed."""

    __tablename__ = "parent_login_codes"
    __table_args__ = (Index(None, "account_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("parent_accounts.id"))
    code_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime)
    used_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    attempts: Mapped[int] = mapped_column(Integer, default=0)

    account: Mapped[ParentAccount] = relationship(ParentAccount)


class LeaveRequest(TimestampMixin, Base):
    """请假申请: a parent asks leave for one upcoming lesson of one student, up to the campus's cutoff; it pre-marks
    请假 on the sheet. Withdrawn before the cutoff, it removes that mark. One row per lesson and student."""

    __tablename__ = "leave_requests"
    __table_args__ = (UniqueConstraint("lesson_id", "student_id"), Index(None, "student_id", "created_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    lesson_id: Mapped[int] = mapped_column(ForeignKey("lessons.id"))
    student_id: Mapped[int] = mapped_column(ForeignKey("students.id"))
    parent_account_id: Mapped[int | None] = mapped_column(ForeignKey("parent_accounts.id"))
    reason: Mapped[str] = mapped_column(Text, default="")
    withdrawn_at: Mapped[dt.datetime | None] = mapped_column(DateTime)

    lesson: Mapped[Lesson] = relationship("Lesson")
    student: Mapped[Student] = relationship("Student")
    parent_account: Mapped[ParentAccount | None] = relationship(ParentAccount)
