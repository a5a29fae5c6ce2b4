"""One-time submission tokens: the first submission of a form claims its token and keeps its answer."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.dialects.mysql import MEDIUMTEXT
from sqlalchemy.orm import Mapped, mapped_column

from eduflow.models.base import Base, utcnow

# A re-rendered fragment (the approval queue, a contract page) can pass MySQL's 64 KB TEXT.
LongText = Text().with_variant(MEDIUMTEXT(), "mysql")


class SubmissionToken(Base):
    """The token's primary key is the guard: a second claim of it fails, however close behind the first."""

    __tablename__ = "submission_tokens"
    __table_args__ = (Index(None, "created_at"),)

    token: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    endpoint: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    status: Mapped[int] = mapped_column(Integer, default=0)  # the first answer, replayed to every repeat
    headers: Mapped[str] = mapped_column(Text, default="")  # JSON: Location, Content-Type, HX-*
    body: Mapped[str] = mapped_column(LongText, default="")
    flashes: Mapped[str] = mapped_column(Text, default="")  # JSON: the messages the first answer flashed
