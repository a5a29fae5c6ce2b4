"""What a report covers: whose records (scope), which campus and which dates; shared query helpers.

Record scope comes from `eduflow.access.scope_clause`, as everywhere else; a report only narrows it further
(an admin's chosen campus, a salesperson's own figures). Dates are the school's calendar days: datetime columns
(naive UTC) are compared with the UTC instants of the school's midnights.

Activity is counted where the person did it (DOMAIN "Report attribution"): a follow-up for its author, a stage
move for its mover, a conversion or a purchase for whoever made it, whoever owns the lead or student today.
So activity reports read `worked_leads()` / `worked_students()` and narrow by `actor(...)`: a salesperson's
own report and the row her manager (or an admin) sees for her are the same query, with the same figures.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from flask_babel import get_timezone
from sqlalchemy import case, func, select, true
from sqlalchemy.sql import ColumnElement

from eduflow.access import is_sales, scope_clause
from eduflow.extensions import db
from eduflow.models import Campus, ClassGroup, Lead, Student, User


@dataclass(frozen=True)
class Month:
    """One calendar month of a report, clipped to the report's dates (`first` … `last`, inclusive)."""

    first: dt.date
    last: dt.date

    @property
    def label(self) -> str:
        return f"{self.first:%Y-%m}"


@dataclass(frozen=True)
class ReportScope:
    """The user a report is for, the school days it covers (inclusive) and, for admins, one campus or all."""

    user: User
    start: dt.date
    end: dt.date
    campus_id: int | None = None

    @property
    def own_only(self) -> bool:
        """A salesperson's reports hold their own figures only."""
        return is_sales(self.user)

    def campus(self, column) -> ColumnElement:
        return true() if self.campus_id is None else column == self.campus_id

    def actor(self, column) -> ColumnElement:
        """For a salesperson, her own acts only (`column` names who did each); everyone's for the others."""
        return column == self.user.id if self.own_only else true()

    def leads(self) -> ColumnElement:
        return scope_clause(Lead, self.user) & self.campus(Lead.campus_id)

    def students(self) -> ColumnElement:
        return scope_clause(Student, self.user) & self.campus(Student.campus_id)

    def worked_leads(self) -> ColumnElement:
        """Leads whose activity the report counts. A salesperson's acts count on any live lead, hers today or
        not (only figures are shown, never the records): `actor()` is what narrows them to her."""
        if self.own_only:
            return Lead.deleted_at.is_(None)
        return self.leads()

    def worked_students(self) -> ColumnElement:
        """Students whose activity the report counts, as `worked_leads()`."""
        if self.own_only:
            return Student.deleted_at.is_(None)
        return self.students()

    def campuses(self) -> ColumnElement:
        return scope_clause(Campus, self.user) & self.campus(Campus.id)

    def worked_campuses(self, column) -> ColumnElement:
        """A rollup row (its campus: the lead's or student's) holds activity the report counts: on any campus for a
        salesperson's own figures (as `worked_leads()`), else on the campuses in the user's scope."""
        if self.own_only:
            return true()
        return column.in_(select(Campus.id).where(self.campuses()))

    def rollup_days(self, column) -> ColumnElement:
        """A rollup row's school day is one of the report's."""
        return column.between(self.start, self.end)

    def classes(self) -> ColumnElement:
        return scope_clause(ClassGroup, self.user) & self.campus(ClassGroup.campus_id)

    def instants(self) -> tuple[dt.datetime, dt.datetime]:
        """[from, to) in naive UTC: the school's midnight starting `start` and the one ending `end`."""
        return utc_midnight(self.start), utc_midnight(self.end + dt.timedelta(days=1))

    def during(self, column) -> ColumnElement:
        """A naive-UTC datetime column falls on one of the report's school days."""
        since, until = self.instants()
        return (column >= since) & (column < until)

    def months(self) -> list[Month]:
        months, first = [], self.start
        while first <= self.end:
            following = (first.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
            months.append(Month(first, min(following - dt.timedelta(days=1), self.end)))
            first = following
        return months


def utc_midnight(day: dt.date) -> dt.datetime:
    """The naive-UTC instant at which `day` begins on the school's clock."""
    local = get_timezone().localize(dt.datetime.combine(day, dt.time()))
    return local.astimezone(dt.UTC).replace(tzinfo=None)


def month_index(column, months: list[Month], utc: bool = False):
    """A CASE giving each row the index of its month in `months` (rows are assumed within the report's dates).

    Portable where date functions are not: the month boundaries are computed here and compared as values.
    """
    def bound(month: Month):
        following = month.last + dt.timedelta(days=1)
        return utc_midnight(following) if utc else following

    return case(*[(column < bound(month), index) for index, month in enumerate(months)], else_=len(months) - 1)


def count_if(condition) -> ColumnElement:
    """How many rows of the group meet `condition` (SUM of a CASE: the same on every database)."""
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def rate(part: int, whole: int) -> Decimal | None:
    """`part` as a percentage of `whole`, one decimal; None when there is nothing to divide by."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"))


def user_names(ids) -> dict[int, str]:
    """Display names of the users behind a report's rows."""
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    return dict(db.session.execute(select(User.id, User.display_name).where(User.id.in_(wanted))).all())
