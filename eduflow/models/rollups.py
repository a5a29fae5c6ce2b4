"""Daily rollups of the sales reports (eduflow.rollups.sales keeps them, eduflow.reports.services reads them).

Each row counts acts of one school day (the day in the school's time zone, the same boundary the reports use),
one campus and the dimensions a report groups by. Every column of the key is NOT NULL, so the primary key is the
unique key concurrent upserts meet on: a missing source, referrer, person or subject is 0 (never a real id).
Counts only ever move by increments; a row may fall to 0 and stay (the reports ignore those).
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, DateTime, Index, Integer
from sqlalchemy.orm import Mapped, mapped_column

from eduflow.models.base import Base
from eduflow.models.enums import FollowUpMethod, enum_column

NOBODY = 0  # the key value of "no one" / "none": everyone's figures, a blank source, a follow-up without author


class SchoolDay(Base):
    """The school's calendar: each day with the naive-UTC instant its midnight falls on (filled by a rebuild, for
    turning stored datetimes into school days in set-based SQL)."""

    __tablename__ = "report_school_days"

    day: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    starts_at: Mapped[dt.datetime] = mapped_column(DateTime, unique=True)


class FunnelDay(Base):
    """Leads consulted on `day` (consult date, else the day entered), by how far they got: `rank` (STAGE_RANK of
    the furthest stage reached) and `trial` (1: an attended trial). `actor_id` 0 is everyone's acts together (a
    lead counted once); otherwise the (lead, person) pairs through that person's own acts."""

    __tablename__ = "report_funnel_days"

    day: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    campus_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    actor_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    referrer_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    rank: Mapped[int] = mapped_column(Integer, primary_key=True)
    trial: Mapped[int] = mapped_column(Integer, primary_key=True)
    leads: Mapped[int] = mapped_column(Integer, default=0)

    __table_args__ = (Index(None, "actor_id", "day"),)


class SheetDay(Base):
    """Six-speed sheets opened on `day`: per person (`actor_id`; 0 is everyone) the sheets they worked
    (`figure` 0) and each figure they did (1… in the order of eduflow.reports.acts.SHEET_FIGURES)."""

    __tablename__ = "report_sheet_days"

    day: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    campus_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    actor_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    figure: Mapped[int] = mapped_column(Integer, primary_key=True)
    sheets: Mapped[int] = mapped_column(Integer, default=0)

    __table_args__ = (Index(None, "actor_id", "day"),)


class FollowUpDay(Base):
    """Follow-ups made on `day` by `user_id`, by method, on the campus's live leads and students."""

    __tablename__ = "report_followup_days"

    day: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    campus_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    method: Mapped[FollowUpMethod] = mapped_column(enum_column(FollowUpMethod), primary_key=True)
    follow_ups: Mapped[int] = mapped_column(Integer, default=0)

    __table_args__ = (Index(None, "user_id", "day"),)


class FollowUpReach(Base):
    """Who followed up whom on `day` (one row per person, day and lead or student): how many leads and students
    a person reached over any dates is a distinct count over these rows, not over every follow-up."""

    __tablename__ = "report_followup_reach"

    campus_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    day: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    user_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    lead_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    student_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    follow_ups: Mapped[int] = mapped_column(Integer, default=0)

    __table_args__ = (Index(None, "user_id", "day"),)

