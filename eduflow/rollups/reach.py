"""Who followed up whom, and when: FollowUpReach (a pair's follow-ups a day) and what is kept from it — each pair's
first and last day (FollowUpPair), the long gaps between its days (FollowUpGap) and who reached whom first in a
short range (FollowUpFirst). Moved by the follow-ups' share of the sales rollups (eduflow.rollups.sales)."""
from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterator

from sqlalchemy import and_, delete, or_, select

from eduflow.models import FollowUpGap, FollowUpPair, FollowUpReach
from eduflow.models.rollups import DIRECT_DAYS, GAP_DAYS, NOBODY, FollowUpFirst
from eduflow.rollups.store import chunks, put, upsert

REACH_KEY = ("campus_id", "day", "user_id", "lead_id", "student_id")
PAIR_KEY = ("campus_id", "user_id", "lead_id", "student_id")


def _pair_of(reach_key: tuple) -> tuple:
    campus_id, _day, user_id, lead_id, student_id = reach_key
    return campus_id, user_id, lead_id, student_id


def _gaps_of(days: list[dt.date]) -> list[tuple[dt.date, dt.date, int]]:
    return [(a, b, (b - a).days) for a, b in zip(days, days[1:]) if (b - a).days >= GAP_DAYS]


def _pairs_in(table, pairs: list[tuple]):
    """Rows of these pairs: an OR of key equalities, which every planner answers from the primary key (a row-value
    IN list is a scan on SQLite)."""
    columns = [table.__table__.c[name] for name in PAIR_KEY]
    return or_(*[and_(*[column == value for column, value in zip(columns, pair)]) for pair in pairs])


def _pair_days(conn, pairs: set[tuple]) -> dict[tuple, dict[dt.date, int]]:
    """Each pair's follow-ups per day, from FollowUpReach (a pair's days are few, even on a lead with 2,000
    follow-ups)."""
    reach = FollowUpReach
    found: dict = {pair: {} for pair in pairs}
    for chunk in chunks(sorted(pairs), 50):
        for *key, day, n in conn.execute(select(*[reach.__table__.c[name] for name in PAIR_KEY], reach.day,
                                                reach.follow_ups).where(_pairs_in(reach, chunk))):
            found[tuple(key)][day] = n
    return found


def _days_of(counts: dict[tuple, dict[dt.date, int]]) -> dict[tuple, list[dt.date]]:
    return {pair: sorted(day for day, n in days.items() if n > 0) for pair, days in counts.items()}


def apply_reach(conn, delta: Counter) -> None:
    """Move FollowUpReach by `delta`, and with it the pairs' first and last days, long gaps and first days in each
    short range. The pairs' days are read before the upsert (their lead or student is locked, outside SQLite), so
    their days after it are known without reading them again."""
    pairs = {_pair_of(key) for key, n in delta.items() if n}
    counts = _pair_days(conn, pairs)
    before = _days_of(counts)
    upsert(conn, FollowUpReach, REACH_KEY, "follow_ups", delta)
    for key, n in delta.items():
        if n:
            days = counts[_pair_of(key)]
            days[key[1]] = days.get(key[1], 0) + n
    after = _days_of(counts)
    _refresh_pairs(conn, after)
    _upsert_firsts(conn, _first_changes(before, after))


def _refresh_pairs(conn, days: dict[tuple, list[dt.date]]) -> None:
    """Set the pairs' first and last days and long gaps from their days (in order)."""
    pair, gap = FollowUpPair, FollowUpGap
    kept = set()
    for chunk in chunks(sorted(days), 50):
        kept.update(tuple(row) for row in conn.execute(
            select(*[gap.__table__.c[n] for n in PAIR_KEY], gap.starts, gap.ends)
            .where(_pairs_in(gap, chunk))))
    wanted = {(*key, starts, ends): n for key, found in days.items() for starts, ends, n in _gaps_of(found)}
    gone = sorted(kept - wanted.keys())
    for chunk in chunks(gone):
        starts = gap.__table__.c.starts
        conn.execute(delete(gap).where(or_(*[and_(_pairs_in(gap, [row[:4]]), starts == row[4]) for row in chunk])))
    new = [dict(zip((*PAIR_KEY, "starts", "ends", "days"), (*row, n)))
           for row, n in sorted(wanted.items()) if row not in kept]
    for chunk in chunks(new):
        put(conn, gap, (*PAIR_KEY, "starts"), chunk, lambda t, v: {"ends": v.ends, "days": v.days})
    present = [dict(zip(PAIR_KEY, key), first_day=found[0], last_day=found[-1])
               for key, found in sorted(days.items()) if found]
    for chunk in chunks(present):
        put(conn, pair, PAIR_KEY, chunk, lambda t, v: {"first_day": v.first_day, "last_day": v.last_day})
    empty = sorted(key for key, found in days.items() if not found)
    for chunk in chunks(empty):
        conn.execute(delete(pair).where(_pairs_in(pair, chunk)))


# Who reached whom first in a short range (FollowUpFirst), from each pair's days.
FIRST_KEY = ("since", "campus_id", "user_id", "day")


def _links(days: list[dt.date]) -> dict[dt.date, dt.date | None]:
    """Each of a pair's days (in order) with the pair's day before it (None: its first)."""
    return dict(zip(days, [None, *days[:-1]]))


def _firsts_of(pair_links) -> Iterator[tuple[tuple, int, int]]:
    """FollowUpFirst rows — ((since, campus, user, day), leads, students) — of [(pair, {day: its day before})]: a
    day a pair was followed up counts at every `since` after the pair's day before it, DIRECT_DAYS back at most.
    Each day's pairs are first tallied by how far back their day before is, then summed into each `since`."""
    back_to: dict = defaultdict(lambda: ([0] * (DIRECT_DAYS + 1), [0] * (DIRECT_DAYS + 1)))
    for (campus_id, user_id, lead_id, student_id), links in pair_links:
        for day, previous in links.items():
            reach = DIRECT_DAYS if previous is None else min((day - previous).days, DIRECT_DAYS)
            leads, students = back_to[(campus_id, user_id, day)]
            leads[reach] += lead_id != NOBODY
            students[reach] += student_id != NOBODY
    for (campus_id, user_id, day), (leads, students) in back_to.items():
        n = m = 0
        for back in range(DIRECT_DAYS - 1, -1, -1):  # at since = day - back: the pairs whose day before is further
            n, m = n + leads[back + 1], m + students[back + 1]
            if n or m:
                yield (day - dt.timedelta(days=back), campus_id, user_id, day), n, m


def _first_changes(before: dict, after: dict) -> dict[tuple, list[int]]:
    """How FollowUpFirst moves when the pairs' days go from `before` to `after`: only the days added or taken away
    and those whose day before changed count (on a lead followed up on hundreds of days, two or three)."""
    change: dict = defaultdict(lambda: [0, 0])
    sides: tuple[list, list] = ([], [])
    for pair in before.keys() | after.keys():
        old, new = _links(before.get(pair, [])), _links(after.get(pair, []))
        moved = {day for day in old.keys() | new.keys() if day not in old or day not in new or old[day] != new[day]}
        for side, links in zip(sides, (old, new)):
            side.append((pair, {day: links[day] for day in moved if day in links}))
    for sign, side in zip((-1, 1), sides):
        for key, leads, students in _firsts_of(side):
            change[key][0] += sign * leads
            change[key][1] += sign * students
    return {key: figures for key, figures in change.items() if any(figures)}


def _upsert_firsts(conn, change: dict[tuple, list[int]]) -> None:
    rows = [dict(zip(FIRST_KEY, key), leads=leads, students=students)
            for key, (leads, students) in sorted(change.items())]
    for chunk in chunks(rows, 500):
        put(conn, FollowUpFirst, FIRST_KEY, chunk,
             lambda t, v: {"leads": t.c.leads + v.leads, "students": t.c.students + v.students})
