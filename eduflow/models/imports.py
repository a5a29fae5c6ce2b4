"""Imports of leads and students from spreadsheets: the batch, and its rows as read from the file.

A row keeps the file's cells (encrypted: they hold phone numbers), what the preview decided for it
and, once committed, the record it created or updated with the values it replaced, so that a
manager can roll the whole import back.
"""
from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from eduflow.models.base import Base, EncryptedText, utcnow
from eduflow.models.enums import ImportAction, ImportKind, ImportStatus, enum_column

if TYPE_CHECKING:
    from eduflow.models.org import Campus, User


class ImportBatch(Base):
    __tablename__ = "import_batches"
    __table_args__ = (Index(None, "campus_id", "created_at"), Index(None, "kind", "created_by_id", "created_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[ImportKind] = mapped_column(enum_column(ImportKind))
    campus_id: Mapped[int] = mapped_column(ForeignKey("campuses.id"))
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    filename: Mapped[str] = mapped_column(String(255))
    status: Mapped[ImportStatus] = mapped_column(enum_column(ImportStatus), default=ImportStatus.MAPPING)
    headers: Mapped[list] = mapped_column(JSON)
    mapping: Mapped[dict | None] = mapped_column(JSON)  # {field: column index}
    skip_rejected: Mapped[bool] = mapped_column(Boolean, default=False)
    total_rows: Mapped[int] = mapped_column(Integer, default=0)
    processed_rows: Mapped[int] = mapped_column(Integer, default=0)  # progress of the running phase
    counts: Mapped[dict | None] = mapped_column(JSON)  # {action: rows}
    error: Mapped[str] = mapped_column(Text, default="")
    step_token: Mapped[int] = mapped_column(Integer, default=0)  # claims one processing step at a time
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    rolled_back_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    rolled_back_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    campus: Mapped[Campus] = relationship("Campus")
    created_by: Mapped[User] = relationship("User", foreign_keys=[created_by_id])
    rolled_back_by: Mapped[User | None] = relationship("User", foreign_keys=[rolled_back_by_id])


class ImportRow(Base):
    __tablename__ = "import_rows"
    __table_args__ = (
        Index(None, "batch_id", "row_number", unique=True),
        Index(None, "batch_id", "action"),
        Index(None, "batch_id", "phone_hash"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("import_batches.id"))
    row_number: Mapped[int] = mapped_column(Integer)  # as the spreadsheet numbers it (header is row 1)
    cells: Mapped[str] = mapped_column(EncryptedText)  # JSON list of the row's cells as text
    phone_hash: Mapped[str | None] = mapped_column(String(64))
    action: Mapped[ImportAction | None] = mapped_column(enum_column(ImportAction))
    message: Mapped[str] = mapped_column(Text, default="")
    target_id: Mapped[int | None] = mapped_column(Integer)  # the lead or student created or updated
    before: Mapped[str | None] = mapped_column(EncryptedText)  # JSON of the values an update replaced
    applied: Mapped[bool] = mapped_column(Boolean, default=False)

    batch: Mapped[ImportBatch] = relationship(ImportBatch)
