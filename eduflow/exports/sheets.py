"""What an export is: its columns, its scoped and filtered ids in order, and how a batch of ids becomes rows.

Rows are read in two steps so 100,000 of them never sit in memory at once, on every database (a server-side
cursor cannot be shared with a second query on MySQL): first the ordered ids (one query), then, a batch of
ids at a time, the plain column values the rows show, with their names joined in and their collections in
one query per batch. No ORM objects: loading 100,000 of them, and decrypting columns nobody exports, was most
of the time an export took. The statements an export sends grow with its batches, never with its rows.
"""
from __future__ import annotations

import datetime as dt
from array import array
from dataclasses import dataclass, field
from functools import cached_property
from typing import Callable, Iterator
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask import abort
from flask_babel import get_timezone
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select

from eduflow.access import may_see_full_phone
from eduflow.extensions import db
from eduflow.models import Role, User
from eduflow.security.phones import mask_phone, normalise_phone, parse_phone

BATCH = 1000  # rows loaded per round of queries
ID_BATCH = 10_000  # ids fetched per round trip of the first query
YES, NO = _l("是"), _l("否")


class BadFilter(Exception):
    """A filter value that cannot be applied (a malformed date, an unknown status …): said, never guessed."""


@dataclass(frozen=True)
class Column:
    header: str  # a lazy msgid, translated when the file is written
    width: int = 12


@dataclass
class Export:
    """One export: `query` selects the ids of `model` (scope, filters and order applied), and possibly integers
    computed over the whole set beside each; `rows_for` turns a batch of those keys, in order, into rows of
    typed cells."""

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
    def keys(self) -> list[array]:
        """Every matching id (and the integers computed beside it), in the list's order, one compact array per
        selected column (8 bytes an id, not a Python object): the row count, and the batches to load. Read
        through a server-side cursor where the database has one, so the ids never sit in memory as rows."""
        columns = [array("q") for _ in self.query.selected_columns]
        for row in db.session.execute(self.query.execution_options(yield_per=ID_BATCH)):
            for column, value in zip(columns, row):
                column.append(int(value))
        return columns

    @property
    def row_count(self) -> int:
        return len(self.keys[0])

    def _batch(self, start: int) -> list:
        if len(self.keys) == 1:
            return self.keys[0][start:start + BATCH].tolist()
        return list(zip(*(column[start:start + BATCH] for column in self.keys)))

    def headers(self) -> list[str]:
        return [str(column.header) for column in self.columns]

    def rows(self) -> Iterator[list]:
        """The rows, a batch of keys at a time."""
        for start in range(0, self.row_count, BATCH):
            yield from self.rows_for(self._batch(start))


def in_order(rows, ids: list[int]) -> list:
    """Loaded rows (with an `id`) in the order of `ids`; one deleted meanwhile is skipped."""
    loaded = {row.id: row for row in rows}
    return [loaded[i] for i in ids if i in loaded]


def grouped(pairs) -> dict[int, list]:
    """(id, value) pairs as id → [values], in the order they came."""
    groups: dict[int, list] = {}
    for key, value in pairs:
        groups.setdefault(key, []).append(value)
    return groups


def labels(enum_cls) -> dict:
    """Each member's label in the request's language, looked up once per export instead of once per cell."""
    return {member: member.label for member in enum_cls}


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


def local_clock() -> Callable[[dt.datetime | None], dt.datetime | None]:
    """Stored naive-UTC times on the school's clock, to the second, naive again (Excel has no time zones); the
    request's time zone is looked up once, as an export converts hundreds of thousands of times (through
    zoneinfo's C implementation when it knows the zone: pytz's is ten times slower)."""
    zone = get_timezone()
    try:
        zone = ZoneInfo(str(zone))
    except (ZoneInfoNotFoundError, ValueError):
        pass

    def convert(value: dt.datetime | None) -> dt.datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=dt.timezone.utc).astimezone(zone).replace(tzinfo=None, microsecond=0)

    return convert


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


def yes_no_labels() -> dict[bool, str]:
    """是 / 否 translated once, for an export's many rows."""
    return {True: str(YES), False: str(NO)}

