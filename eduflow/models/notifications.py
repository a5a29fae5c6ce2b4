"""Notifications (通知): the transactional outbox of events, and the messages each event becomes.

A NotificationEvent is written in the same transaction as the change that causes it (one multi-row INSERT, at
most once per event key). After the commit the task queue fans it out into Notification rows, one message for one
recipient on one channel (unique per event, recipient and channel), and delivers those that leave the app. The
portal inbox (站内消息) reads the inbox rows directly.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from eduflow.models.base import Base, utcnow
from eduflow.models.enums import DeliveryStatus, NotificationChannel, NotificationKind, enum_column


class NotificationEvent(Base):
    __tablename__ = "notification_events"
    __table_args__ = (UniqueConstraint("event_key"), Index(None, "fanned_out_at", "created_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    event_key: Mapped[str] = mapped_column(String(120))  # e.g. "attendance:17:v3": a retry writes nothing twice
    kind: Mapped[NotificationKind] = mapped_column(enum_column(NotificationKind))
    student_id: Mapped[int | None] = mapped_column(ForeignKey("students.id"))  # to the student's family
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))  # or to a colleague
    campus_id: Mapped[int | None] = mapped_column(ForeignKey("campuses.id"))
    params: Mapped[dict] = mapped_column(JSON, default=dict)
    link: Mapped[str] = mapped_column(String(255), default="")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    fanned_out_at: Mapped[dt.datetime | None] = mapped_column(DateTime)


class Notification(Base):
    __tablename__ = "notifications"
    __table_args__ = (
        UniqueConstraint("event_key", "recipient", "channel"),  # at most once per event, recipient and channel
        Index(None, "parent_account_id", "channel", "created_at"),  # a parent's inbox, newest first
        Index(None, "user_id", "channel", "read_at"),  # a colleague's unread badge
        Index(None, "student_id", "created_at"),  # the student page: every message about the student
        Index(None, "status", "send_after"),  # what is due
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_key: Mapped[str] = mapped_column(String(120))  # e.g. "attendance:17:v3"
    recipient: Mapped[str] = mapped_column(String(24))  # "p<id>" for a parent account, "u<id>" for staff
    parent_account_id: Mapped[int | None] = mapped_column(ForeignKey("parent_accounts.id"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    student_id: Mapped[int | None] = mapped_column(ForeignKey("students.id"))
    campus_id: Mapped[int | None] = mapped_column(ForeignKey("campuses.id"))
    kind: Mapped[NotificationKind] = mapped_column(enum_column(NotificationKind))
    channel: Mapped[NotificationChannel] = mapped_column(enum_column(NotificationChannel))
    locale: Mapped[str] = mapped_column(String(8), default="zh_CN")
    params: Mapped[dict] = mapped_column(JSON, default=dict)  # the template's variables
    subject: Mapped[str] = mapped_column(String(255), default="")  # rendered when written
    body: Mapped[str] = mapped_column(Text, default="")
    link: Mapped[str] = mapped_column(String(255), default="")  # where the message leads in the app
    status: Mapped[DeliveryStatus] = mapped_column(enum_column(DeliveryStatus), default=DeliveryStatus.PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    send_after: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)  # quiet hours hold it until then
    sent_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    read_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    provider_ref: Mapped[str] = mapped_column(String(64), default="")  # the provider's id of the sent message


class NotificationPreference(Base):
    """A parent turned one kind of message off (payment receipts cannot be turned off)."""

    __tablename__ = "notification_preferences"
    __table_args__ = (UniqueConstraint("parent_account_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    parent_account_id: Mapped[int] = mapped_column(ForeignKey("parent_accounts.id"))
    kind: Mapped[NotificationKind] = mapped_column(enum_column(NotificationKind))
    enabled: Mapped[bool] = mapped_column(Boolean, default=False)


class NotificationTemplate(Base):
    """An admin's wording of one kind's message in one language on one channel, replacing the default
    (eduflow.notifications.texts); SMS has its own, shorter, text."""

    __tablename__ = "notification_templates"
    __table_args__ = (UniqueConstraint("kind", "channel", "locale"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[NotificationKind] = mapped_column(enum_column(NotificationKind))
    channel: Mapped[NotificationChannel] = mapped_column(enum_column(NotificationChannel))
    locale: Mapped[str] = mapped_column(String(8))
    subject: Mapped[str] = mapped_column(String(255), default="")
    body: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
