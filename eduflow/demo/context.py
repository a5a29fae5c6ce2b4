"""One demo load's shared state: seeded randomness, the school's clock and unique phone numbers."""
from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence
from typing import TypeVar
from zoneinfo import ZoneInfo

from faker import Faker
from flask import current_app

from eduflow.demo import texts
from eduflow.models import Gender, utcnow
from eduflow.security.phones import is_cn_mobile

T = TypeVar("T")
MOBILE_PREFIXES = ("130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152", "155",
                   "156", "157", "158", "159", "166", "176", "177", "178", "180", "181", "182", "183", "185",
                   "186", "187", "188", "189", "198", "199")


class SchoolClock:
    """Randomness and the school's clock for a generated school (the demo, bench-data): `rng`, `tz`, `now`
    (naive UTC) and `today` (the school's) are set by the subclass."""

    rng: random.Random
    tz: ZoneInfo
    now: dt.datetime
    today: dt.date

    # -- randomness -------------------------------------------------------------------------------
    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    def pick(self, items: Sequence[T]) -> T:
        return self.rng.choice(items)

    def weighted(self, weights: dict[T, float]) -> T:
        return self.rng.choices(list(weights), weights=list(weights.values()))[0]

    # -- time -----------------------------------------------------------------------------------------
    def local(self, naive_utc: dt.datetime) -> dt.datetime:
        return naive_utc.replace(tzinfo=dt.UTC).astimezone(self.tz)

    def utc(self, day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
        """A wall-clock moment at the school, as naive UTC."""
        moment = dt.datetime.combine(day, dt.time(hour, minute), tzinfo=self.tz)
        return moment.astimezone(dt.UTC).replace(tzinfo=None)

    def days_ago(self, days: int) -> dt.date:
        return self.today - dt.timedelta(days=days)


class DemoContext(SchoolClock):
    """Everything the builders share; they add what they create (campuses, users, classes …) to it."""

    def __init__(self, seed: int, now: dt.datetime | None = None) -> None:
        self.rng = random.Random(seed)
        self.fake = Faker("zh_CN")
        self.fake.seed_instance(seed)
        self.tz = ZoneInfo(current_app.config.get("BABEL_DEFAULT_TIMEZONE") or "Asia/Shanghai")
        self.now = (now or utcnow()).replace(microsecond=0)  # naive UTC, like every stored timestamp
        self.today = self.local(self.now).date()  # the school's today
        self._phones: set[str] = set()
        self.campuses: list = []
        self.classrooms: dict[int, list] = {}  # campus index -> classrooms
        self.users: dict = {}  # username -> User
        self.courses: dict = {}  # name -> Course
        self.tags: dict = {}  # name -> Tag
        self.sources: dict = {}  # name -> SourceChannel
        self.classes: list = []  # ClassPlan, each with its ClassGroup in .group
        self.lessons: dict[int, list] = {}  # class id -> lessons in date order
        self.students: dict[int, list] = {}  # campus index -> students
        self.student_meta: dict[int, dict] = {}  # id(student) -> since, campus, courses, converted …

    def office_time(self, day: dt.date) -> dt.datetime:
        """A random moment during office hours on a day, never later than now."""
        moment = self.utc(day, self.rng.randint(9, 20), self.rng.randrange(0, 60, 5))
        return min(moment, self.now - dt.timedelta(minutes=self.rng.randint(5, 90)))

    def between(self, start: dt.datetime, end: dt.datetime) -> dt.datetime:
        """A random moment between two others, moved into office hours (09:00–21:00) where it can be."""
        if end <= start:
            return start
        moment = start + dt.timedelta(seconds=self.rng.randint(0, int((end - start).total_seconds())))
        local = self.local(moment)
        if not 9 <= local.hour < 21:
            moment = self.utc(local.date(), self.rng.randint(9, 20), self.rng.randrange(0, 60, 5))
        return max(start, min(end, moment))

    # -- people ---------------------------------------------------------------------------------------
    def phone(self) -> str:
        """A valid, not yet used Chinese mobile number."""
        while True:
            number = self.pick(MOBILE_PREFIXES) + f"{self.rng.randrange(10 ** 8):08d}"
            if number not in self._phones and is_cn_mobile(number):
                self._phones.add(number)
                return number

    def child(self, min_age: int = 4, max_age: int = 13) -> tuple[str, Gender, dt.date]:
        gender = Gender.MALE if self.chance(0.5) else Gender.FEMALE
        given = texts.BOY_NAMES if gender == Gender.MALE else texts.GIRL_NAMES
        birth = self.today - dt.timedelta(days=self.rng.randint(min_age * 365, max_age * 365 + 300))
        return self.fake.last_name() + self.pick(given), gender, birth

    def adult(self, male: bool, surname: str | None = None, old: bool = False) -> str:
        names = (texts.OLD_MEN if male else texts.OLD_WOMEN) if old else (texts.MEN if male else texts.WOMEN)
        return (surname or self.fake.last_name()) + self.pick(names)

    def parent(self, child_name: str, relation: str | None = None) -> tuple[str, str]:
        """(name, relation) of a parent or grandparent; fathers and paternal grandparents share the surname."""
        relation = relation or self.weighted(texts.RELATIONS)
        paternal = relation in ("爸爸", "爷爷")
        return self.adult(paternal, child_name[0] if paternal else None, relation not in ("爸爸", "妈妈")), relation

    def email(self, name: str) -> str:
        from eduflow.search import pinyin_of

        return f"{pinyin_of(name)[0]}{self.rng.randint(1, 999)}@{self.pick(texts.MAIL_DOMAINS)}"

    def wechat_id(self, name: str) -> str:
        from eduflow.search import pinyin_of

        return f"{pinyin_of(name)[0]}_{self.rng.randint(10, 9999)}"

    def id_card(self, birth: dt.date, gender: Gender, campus_index: int) -> str:
        """An 18-digit resident ID number with a correct check digit (fictitious person)."""
        area = ("110105", "110108")[campus_index]
        sequence = self.rng.randrange(0, 499) * 2 + (1 if gender == Gender.MALE else 0)  # odd: male
        body = f"{area}{birth:%Y%m%d}{sequence:03d}"
        weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
        return body + "10X98765432"[sum(int(d) * w for d, w in zip(body, weights)) % 11]

    def address(self, campus_index: int) -> str:
        district, places = texts.NEIGHBOURHOODS[campus_index]
        return (f"北京市{district}{self.pick(places)}{self.rng.randint(1, 24)}号楼"
                f"{self.rng.randint(1, 6)}单元{self.rng.randint(1, 28)}{self.rng.randint(1, 4):02d}")
