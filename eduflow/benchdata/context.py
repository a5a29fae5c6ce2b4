"""One large-school load's shared state: sizes, seeded randomness, the school's clock, ids and batched inserts."""
from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence
from typing import TypeVar
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import Table, func, insert, select

from eduflow.demo.context import SchoolClock
from eduflow.extensions import db
from eduflow.models import Base, utcnow
from eduflow.search import pinyin_of
from eduflow.security.crypto import blind_index

T = TypeVar("T")
BATCH = 5000
MINUTE, HOUR, DAY = dt.timedelta(minutes=1), dt.timedelta(hours=1), dt.timedelta(days=1)
MOBILE_PREFIXES = ("130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152", "155",
                   "156", "157", "158", "159", "166", "176", "177", "178", "180", "181", "182", "183", "185",
                   "186", "187", "188", "189", "198", "199")

# What one campus holds at scale 1.0; every count is multiplied by the scale (with a small floor).
FULL_SIZE = {
    "sales": 30, "teachers": 10, "leads": 100_000, "follow_ups": 1_000_000, "busy_follow_ups": 2_000,
    "students": 5_000, "classes": 200, "lessons": 20_000, "attendance": 300_000, "sheet_lessons": 32,
    "movable": 100,
}
FLOOR = {"sales": 2, "teachers": 2, "leads": 20, "follow_ups": 40, "busy_follow_ups": 5, "students": 40,
         "classes": 2, "lessons": 20, "attendance": 30, "sheet_lessons": 1, "movable": 3}


def sizes(scale: float) -> dict[str, int]:
    """The campus's head counts at this scale."""
    return {name: max(FLOOR[name], round(count * scale)) for name, count in FULL_SIZE.items()}


class Ids:
    """Primary keys handed out before insert, so child rows can point at parents without a round trip."""

    def __init__(self) -> None:
        self._next: dict[str, int] = {}

    def take(self, table: Table) -> int:
        name = table.name
        if name not in self._next:
            self._next[name] = (db.session.scalar(select(func.max(table.c.id))) or 0) + 1
        value = self._next[name]
        self._next[name] = value + 1
        return value


class Rows:
    """Rows waiting for insert, per table, written parents first (the metadata's foreign-key order)."""

    def __init__(self) -> None:
        self._pending: dict[Table, list[dict]] = {}
        self.written: dict[str, int] = {}

    def add(self, table: Table, row: dict) -> None:
        self._pending.setdefault(table, []).append(row)

    def extend(self, table: Table, rows: list[dict]) -> None:
        self._pending.setdefault(table, []).extend(rows)

    def flush(self) -> None:
        """Insert everything pending, table by table in dependency order, in batches."""
        for table in Base.metadata.sorted_tables:
            rows = self._pending.get(table)
            if not rows:
                continue
            for start in range(0, len(rows), BATCH):
                db.session.execute(insert(table), rows[start:start + BATCH])
            self.written[table.name] = self.written.get(table.name, 0) + len(rows)
            rows.clear()


class BenchContext(SchoolClock):
    """Everything the builders of one campus share; builders add what they create."""

    def __init__(self, campus_number: int, scale: float, seed: int, now: dt.datetime | None = None) -> None:
        self.number = campus_number  # 1, 2, … : in usernames and phone blocks
        self.size = sizes(scale)
        self.rng = random.Random(seed * 1000 + campus_number)
        self.tz = ZoneInfo(current_app.config.get("BABEL_DEFAULT_TIMEZONE") or "Asia/Shanghai")
        self.now = (now or utcnow()).replace(microsecond=0)
        self.today = self.local(self.now).date()
        self.ids = Ids()
        self.rows = Rows()
        self._pinyin: dict[str, tuple[str, str]] = {}
        self._phones = 0
        self.campus_id: int = 0
        self.users: dict[str, int] = {}  # username -> id
        self.sales: list[int] = []
        self.teachers: list[int] = []
        self.courses: list[dict] = []  # {id, name, total_lessons, price, units, minutes}
        self.tags: dict[str, int] = {}  # name -> id (manual tags)
        self.system_tags: dict[str, int] = {}  # system_code -> id
        self.sources: list[dict] = []  # {id, name, is_referral}
        self.classrooms: list[int] = []
        self.classes: list[dict] = []  # {id, course, teacher_id, size, sheet, lessons: [...]}
        self.students: list[dict] = []  # {id, name, phone, owner_id, since}
        self.sheet_lesson_ids: list[int] = []

    def pick(self, items: Sequence[T]) -> T:  # one random draw per pick, the demo's rng.choice may take more
        return items[int(self.rng.random() * len(items))]

    def office_time(self, day: dt.date) -> dt.datetime:
        """A moment during office hours (09:00-21:00) on a day, never later than now."""
        moment = self.utc(day, 9) + dt.timedelta(minutes=int(self.rng.random() * 720))
        return min(moment, self.now - dt.timedelta(minutes=5 + int(self.rng.random() * 60)))

    def between(self, start: dt.datetime, end: dt.datetime) -> dt.datetime:
        """A random moment between two others (seconds resolution)."""
        if end <= start:
            return start
        return start + dt.timedelta(seconds=int(self.rng.random() * (end - start).total_seconds()))

    # -- people -----------------------------------------------------------------------------------
    def phone(self) -> str:
        """A valid mobile number never handed out before on any campus of this load (11 digits)."""
        serial = (self.number - 1) * 1_000_000 + self._phones
        self._phones += 1
        prefix = MOBILE_PREFIXES[serial // 10 ** 8 % len(MOBILE_PREFIXES)]
        return prefix + f"{(serial % 10 ** 8) * 7_654_321 % 10 ** 8:08d}"  # a bijection: the last four spread

    def pinyin(self, name: str) -> tuple[str, str]:
        if name not in self._pinyin:
            self._pinyin[name] = pinyin_of(name)
        return self._pinyin[name]

    def named(self, name: str) -> dict:
        """The PinyinNameMixin columns, as the model's before-insert hook would set them."""
        full, initials = self.pinyin(name)
        return {"name": name, "name_pinyin": full, "name_initials": initials}

    @staticmethod
    def phoned(phone: str | None) -> dict:
        """The PhoneMixin columns, as its setter writes them: the PLAIN number (the column type encrypts it),
        its blind index and its last four digits."""
        if not phone:
            return {"phone_encrypted": None, "phone_hash": None, "phone_last4": None}
        return {"phone_encrypted": phone, "phone_hash": blind_index(phone), "phone_last4": phone[-4:]}
