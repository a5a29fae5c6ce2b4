"""The audit trail and the login-attempt counter used for throttling."""
from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from eduflow.models.base import Base, utcnow

if TYPE_CHECKING:
    from eduflow.models.org import User
    from eduflow.models.parents import ParentAccount


class AuditLog(Base):
    __tablename__ = "audit_log"
    __table_args__ = (
        # Newest first by (created_at, id), each filter's column leading, the others trailing (migration 0010).
        Index(None, "created_at", "id"),
        Index(None, "actor_id", "created_at", "id", "action", "entity"),
        Index(None, "action", "created_at", "id", "actor_id", "entity"),
        Index(None, "entity", "created_at", "id", "actor_id", "action"),
        Index(None, "entity", "entity_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    parent_account_id: Mapped[int | None] = mapped_column(ForeignKey("parent_accounts.id"))  # a parent acted
    action: Mapped[str] = mapped_column(String(32))  # create, update, delete, login_ok, ...
    entity: Mapped[str] = mapped_column(String(64))
    entity_id: Mapped[str | None] = mapped_column(String(64))
    changes: Mapped[dict | None] = mapped_column(JSON)  # {"field": [old, new]}; masked for private data
    ip: Mapped[str] = mapped_column(String(45), default="")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)

    actor: Mapped[User | None] = relationship("User")
    parent_account: Mapped[ParentAccount | None] = relationship("ParentAccount")


class LoginAttempt(Base):
    """Every checked login attempt, so throttling holds across workers and restarts."""

    __tablename__ = "login_attempts"
    __table_args__ = (
        Index(None, "username", "ip", "attempted_at"),
        Index(None, "ip", "attempted_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64))  # as throttling keys it: stripped, lower case
    ip: Mapped[str] = mapped_column(String(45))
    succeeded: Mapped[bool] = mapped_column(Boolean, default=False)
    attempted_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
