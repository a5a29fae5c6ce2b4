"""What an export is: its columns, its scoped and filtered query, and how a batch of records becomes rows.

Rows are read in two steps so 100,000 of them never sit in memory as ORM objects, on every database
(a server-side cursor cannot be shared with the eager-loading queries on MySQL): first the ordered ids,
then the records, a batch of ids at a time, with what their rows show loaded per batch.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property
from typing import Callable, Iterator

from flask import abort
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import to_user_timezone
from sqlalchemy import Select

from eduflow.access import may_see_full_phone
from eduflow.extensions import db
from eduflow.models import Role, User
from eduflow.security.phones import mask_phone, normalise_phone, parse_phone

BATCH = 500
YES, NO = _l("是"), _l("否")


class BadFilter(Exception):
    """A filter value that cannot be applied (a malformed date, an unknown status …): said, never guessed."""


@dataclass(frozen=True)
class Column:
    header: str  # a lazy msgid, translated when the file is written
    width: int = 12


@dataclass
class Export:
    """One export: `query` selects `model` (scope, filters and order applied); `rows_for` turns a batch of
    loaded records, in order, into rows of typed cells."""

    entity: str  # the URL's name: leads, students …
    title: str  # lazy: the sheet and file name (线索 …)
    columns: list[Column]
    model: type
    query: Select
    rows_for: Callable[[list], list[list]]
    filters: dict = field(default_factory=dict)

    @property
    def table(self) -> str:
        return self.model.__tablename__

    @cached_property
    def ids(self) -> list[int]:
        """Every matching id, in the list's order: the row count, and the batches to load."""
        return list(db.session.scalars(self.query.with_only_columns(self.model.id, maintain_column_froms=True)))

    def headers(self) -> list[str]:
        return [str(column.header) for column in self.columns]

    def rows(self) -> Iterator[list]:
        """The rows, a batch of records at a time; a query with extra columns hands over (record, …) tuples."""
        whole_rows = len(self.query.column_descriptions) > 1
        for start in range(0, len(self.ids), BATCH):
            batch = self.ids[start:start + BATCH]
            result = db.session.execute(self.query.where(self.model.id.in_(batch))).unique()
            loaded = {row[0].id: (tuple(row) if whole_rows else row[0]) for row in result}
            yield from self.rows_for([loaded[i] for i in batch if i in loaded])  # deleted meanwhile: skipped


def applied_filters(form, args, id_fields: tuple[str, ...]) -> dict:
    """The filters the request set, as given. A record id the user is not offered (another campus's class,
    owner …) is 404, like the record itself; any other value that does not validate is refused, not ignored,
    so an export never silently holds more than was asked for."""
    form.validate()
    applied = {}
    for name, form_field in form._fields.items():
        raw = args.get(name, "")
        if not raw.strip():
            continue
        if form_field.errors:
            if name in id_fields:
                abort(404)
            raise BadFilter(_("筛选条件“%(field)s”无效：%(error)s", field=form_field.label.text,
                              error=form_field.errors[0]))
        applied[name] = _loggable(raw)
    return applied


def _loggable(raw: str) -> str:
    """A filter value as the audit log keeps it: a phone number searched for is masked like everywhere else."""
    return mask_phone(normalise_phone(raw)) if parse_phone(raw) is not None else raw


def local(value: dt.datetime | None) -> dt.datetime | None:
    """A stored naive-UTC time on the school's clock, to the second, naive again (Excel has no time zones)."""
    return None if value is None else to_user_timezone(value).replace(tzinfo=None, microsecond=0)


@dataclass(frozen=True)
class Viewer:
    """Who reads an export, as plain values. A streamed file is written after its request's database session
    is gone, so its rows must not touch the signed-in User object (a DetachedInstanceError mid-file)."""

    id: int
    role: Role
    campus_id: int | None

    @classmethod
    def of(cls, user: User) -> "Viewer":
        return cls(id=user.id, role=user.role, campus_id=user.campus_id)


def phone_for(record, number: str | None, viewer: Viewer) -> str:
    """The number in full for those who may see it (owner, their campus manager, admins), masked otherwise."""
    if not number:
        return ""
    return number if may_see_full_phone(record, viewer) else mask_phone(number)


def yes_no(value: bool) -> str:
    return str(YES if value else NO)


def name_of(user) -> str:
    return user.display_name if user is not None else ""
