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
from eduflow.models.enums import FollowUpMethod, LeadStage, enum_column

# On SQLite the rows are stored in their primary key's order (as InnoDB always does): a range of days reads its
# counts straight from the key, without a second lookup per row.
CLUSTERED = {"sqlite_with_rowid": False}
NOBODY = 0  # the key value of "no one" / "none": everyone's figures, a blank source, a follow-up without author


class SchoolDay(Base):
    """The school's calendar: each day with the naive-UTC instant its midnight falls on (filled by a rebuild, for
    turning stored datetimes into school days in set-based SQL)."""

    __tablename__ = "report_school_days"
    __table_args__ = (CLUSTERED,)

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

    # A salesperson's own figures: her days, the count read from the index (it holds the key columns too).
    __table_args__ = (Index(None, "actor_id", "day", "leads"), CLUSTERED)


class SheetDay(Base):
    """Six-speed sheets opened on `day`: per person (`actor_id`; 0 is everyone) the sheets they worked
    (`figure` 0) and each figure they did (1… in the order of eduflow.reports.acts.SHEET_FIGURES)."""

    __tablename__ = "report_sheet_days"

    day: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    campus_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    actor_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    figure: Mapped[int] = mapped_column(Integer, primary_key=True)
    sheets: Mapped[int] = mapped_column(Integer, default=0)

    __table_args__ = (Index(None, "actor_id", "day", "sheets"), CLUSTERED)


class FollowUpDay(Base):
    """Follow-ups made on `day` by `user_id`, by method, on the campus's live leads and students."""

    __tablename__ = "report_followup_days"

    day: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    campus_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    method: Mapped[FollowUpMethod] = mapped_column(enum_column(FollowUpMethod), primary_key=True)
    follow_ups: Mapped[int] = mapped_column(Integer, default=0)

    __table_args__ = (Index(None, "user_id", "day", "follow_ups"), CLUSTERED)


class FollowUpReach(Base):
    """Who followed up whom on `day` (one row per person, day and lead or student): the days each pair (person,
    lead or student) was followed up, from which FollowUpPair, FollowUpGap and FollowUpFirst are kept."""

    __tablename__ = "report_followup_reach"

    campus_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    day: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    user_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    lead_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    student_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    follow_ups: Mapped[int] = mapped_column(Integer, default=0)

    # A pair's days, read from the index alone on every follow-up that changes them (a lead with 2,000 follow-ups
    # is one person's few hundred days, not the 30,000 of all her leads).
    __table_args__ = (Index(None, "campus_id", "user_id", "lead_id", "student_id", "day", "follow_ups"), CLUSTERED)



class FollowUpPair(Base):
    """Each person and lead (or student) they followed up: the first and the last day they did. With FollowUpGap
    this counts the leads a person reached over a long range without reading every day between."""

    __tablename__ = "report_followup_pairs"

    campus_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    lead_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    student_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    first_day: Mapped[dt.date] = mapped_column(Date)
    last_day: Mapped[dt.date] = mapped_column(Date)

    __table_args__ = (
        Index(None, "campus_id", "last_day", "first_day", "user_id", "lead_id", "student_id"),
        Index(None, "user_id", "last_day", "first_day", "lead_id", "student_id"),
        CLUSTERED,
    )


DIRECT_DAYS = 45  # ranges up to this many days count who reached whom from FollowUpFirst; longer: pairs less gaps


class FollowUpFirst(Base):
    """Per person and day, the leads and students they followed up on `day` and on no day from `since` to the day
    before, for each `since` from DIRECT_DAYS - 1 days before `day` to `day` itself. Over a range of up to
    DIRECT_DAYS days, the leads a person reached are the sum of the range's days at `since` = its first day: each
    lead counted once, on the first day of the range it was followed up (a distinct count read as a few hundred
    rows, however many follow-ups the range holds)."""

    __tablename__ = "report_followup_firsts"

    # A range's rows are those of one `since`: at most DIRECT_DAYS days of each campus's people, however long the
    # history, so the key alone serves a campus's report and a salesperson's own (no second index to keep).
    since: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    campus_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    day: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    leads: Mapped[int] = mapped_column(Integer, default=0)
    students: Mapped[int] = mapped_column(Integer, default=0)

    __table_args__ = (CLUSTERED,)


GAP_DAYS = DIRECT_DAYS + 2  # the shortest gap kept: ranges longer than DIRECT_DAYS need no shorter


class FollowUpGap(Base):
    """A long silence between two follow-ups of one person on one lead (or student): `starts` and `ends` are
    consecutive days they followed it up, `days` apart (only gaps of GAP_DAYS or more are kept). A pair seen
    before a range and after it but not within it has exactly one gap spanning the range."""

    __tablename__ = "report_followup_gaps"

    campus_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    lead_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    student_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    starts: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    ends: Mapped[dt.date] = mapped_column(Date)
    days: Mapped[int] = mapped_column(Integer)

    __table_args__ = (
        Index(None, "campus_id", "days", "starts", "ends", "user_id", "lead_id", "student_id"),
        Index(None, "user_id", "days", "starts", "ends", "lead_id", "student_id"),
        CLUSTERED,
    )


class LeadStageCount(Base):
    """How many live leads each campus has in each stage now (the dashboard's and a manager's counts, read
    without counting 100,000 index entries); kept with every lead's insert, move, campus change and deletion."""

    __tablename__ = "report_lead_stages"
    __table_args__ = (CLUSTERED,)

    campus_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    stage: Mapped[LeadStage] = mapped_column(enum_column(LeadStage), primary_key=True)
    leads: Mapped[int] = mapped_column(Integer, default=0)
