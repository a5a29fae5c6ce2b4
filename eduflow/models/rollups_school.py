"""Daily rollups of the school reports (eduflow.rollups.school keeps them, eduflow.reports.services_school reads them).

One row per lesson day, class, teacher of the lesson, campus and figure: `figure` 0 holds the lesson units the
ledger's attendance rows moved (signed, debits negative: 课消 is minus their sum), on `campus_id` the campus of
the student they were taken from (0 once the student is deleted: the money report counts live students only);
figures 1… count the marks of each AttendanceStatus (STATUS_FIGURES), on campus 0 (the attendance report counts
every mark, whoever the student). Every key column is NOT NULL (no teacher: 0), so the primary key is the unique
key concurrent upserts meet on. Figures only move by increments; a row may fall to 0 and stay. PaymentDay holds
the money of the same report per school day.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import Date, Index, Integer
from sqlalchemy.orm import Mapped, mapped_column

from eduflow.models.base import Base, Money
from eduflow.models.enums import AttendanceStatus
from eduflow.models.rollups import CLUSTERED

UNITS = 0  # the figure of ledger units
STATUS_FIGURES = {status: n for n, status in enumerate(AttendanceStatus, start=1)}


class LessonDay(Base):
    """Marks and lesson units of the lessons held on `day`, per class, teacher, student's campus and figure."""

    __tablename__ = "report_lesson_days"

    day: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    class_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    teacher_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    campus_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    figure: Mapped[int] = mapped_column(Integer, primary_key=True)
    total: Mapped[int] = mapped_column(Integer, default=0)

    # The money report: a campus's units per day, read from the index alone.
    __table_args__ = (Index(None, "figure", "campus_id", "day", "total"), CLUSTERED)


class PaymentDay(Base):
    """Money received (`refund` 0) and paid back (`refund` 1) on a school day (of the payment's time, the same
    boundary the reports use), per campus of the paying student (0 once the student is deleted)."""

    __tablename__ = "report_payment_days"
    __table_args__ = (CLUSTERED,)

    day: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    campus_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    refund: Mapped[int] = mapped_column(Integer, primary_key=True)
    amount: Mapped[Decimal] = mapped_column(Money, default=Decimal("0.00"))
