"""Classes and their lessons: a year of weekly lessons behind each class, and the sheet teacher's busy days.

Every class meets twice a week. The first classes are the "sheet" classes of one teacher (teacher01):
40 students each, a short lesson every day from today for two weeks, so a benchmark always finds
fresh, unmarked sheets dated today (and on the following days, if the database is kept).
"""
from __future__ import annotations

import datetime as dt

from eduflow.benchdata.context import DAY, BenchContext
from eduflow.demo import texts
from eduflow.models import ClassGroup, Lesson

SHEET_DAYS = 14  # the sheet classes meet every day from today for this many days
SHEET_MINUTES, SHEET_STEP, SHEET_FIRST = 25, 27, 7 * 60  # 25-minute lessons every 27 minutes from 07:00
SLOTS = (8 * 60, 9 * 60 + 45, 11 * 60 + 30, 13 * 60 + 30, 15 * 60 + 15, 17 * 60, 18 * 60 + 45)
SHEET_SIZE = 40
MAX_SHEETS = 32  # one teacher's day: 07:00 to 21:22


def _clock(minutes: int) -> dt.time:
    return dt.time(minutes // 60, minutes % 60)


def _weekly(start: dt.date, weekdays: tuple[int, int], count: int, step: int) -> list[dt.date]:
    """`count` dates on the two weekdays, walking from `start` (step +1: forwards, -1: backwards)."""
    found, day = [], start
    while len(found) < count:
        if day.weekday() in weekdays:
            found.append(day)
        day += step * DAY
    return found if step > 0 else found[::-1]


def build_classes(ctx: BenchContext) -> None:
    """The campus's classes, each with its share of the lessons; sheet classes first."""
    total, lessons = ctx.size["classes"], ctx.size["lessons"]
    sheets = min(ctx.size["sheet_lessons"], MAX_SHEETS, total - 1)
    per_class = [lessons // total + (1 if index < lessons % total else 0) for index in range(total)]
    others = ctx.teachers[1:] or ctx.teachers
    for index in range(total):
        sheet = index < sheets
        course = ctx.courses[index % len(ctx.courses)]
        teacher = ctx.teachers[0] if sheet else others[(index - sheets) % len(others)]
        slot = index if sheet else (index - sheets) // len(others)
        plan = {"id": ctx.ids.take(ClassGroup.__table__), "course": course, "teacher_id": teacher, "sheet": sheet,
                "size": min(SHEET_SIZE, ctx.size["students"]) if sheet else 8 + int(ctx.rng.random() * 33),
                "room": ctx.classrooms[0] if sheet else ctx.classrooms[1 + ctx.teachers.index(teacher) % 11],
                "name": f"{course['name']} {'S' if sheet else ''}{index + 1:03d} 班"}
        plan["lessons"] = (_sheet_lessons(ctx, plan, slot, per_class[index]) if sheet
                           else _weekly_lessons(ctx, plan, slot, per_class[index]))
        ctx.classes.append(plan)
        _add_class(ctx, plan)
    ctx.rows.flush()


def _sheet_lessons(ctx: BenchContext, plan: dict, slot: int, count: int) -> list[dict]:
    """Daily from today (SHEET_DAYS, or a quarter of the lessons when there are few), twice a week before that."""
    start = SHEET_FIRST + SHEET_STEP * slot
    ahead = min(SHEET_DAYS, max(1, count // 4))
    days = _weekly(ctx.days_ago(1), (slot % 7, (slot + 3) % 7), count - ahead, -1)
    days += [ctx.today + n * DAY for n in range(ahead)]
    return [_lesson(ctx, plan, day, start, start + SHEET_MINUTES, number) for number, day in enumerate(days, 1)]


def _weekly_lessons(ctx: BenchContext, plan: dict, slot: int, count: int) -> list[dict]:
    """Twice a week on the teacher's free slots; most classes are running, some finished a while ago."""
    first_day, second_day = slot % 7, (slot % 7 + 3) % 7
    first_slot, second_slot = SLOTS[slot // 7 % 3], SLOTS[3 + slot // 7 % 3]
    minutes = plan["course"]["minutes"]
    if ctx.chance(0.15):  # finished: its last lesson some weeks ago
        past, until = count, ctx.days_ago(7 + int(ctx.rng.random() * 60))
    else:
        past, until = int(count * (0.4 + ctx.rng.random() * 0.55)), ctx.days_ago(1)
    days = _weekly(until, (first_day, second_day), past, -1) + _weekly(ctx.today, (first_day, second_day),
                                                                         count - past, 1)
    return [_lesson(ctx, plan, day, start, start + minutes, number) for number, day in enumerate(days, 1)
            for start in [first_slot if day.weekday() == first_day else second_slot]]


def _lesson(ctx: BenchContext, plan: dict, day: dt.date, start: int, end: int, number: int) -> dict:
    topics = texts.TOPICS.get(plan["course"]["name"]) or ("课堂练习",)
    scheduled = min(ctx.utc(day - 14 * DAY, 10), ctx.now)
    return {"id": ctx.ids.take(Lesson.__table__), "class_id": plan["id"], "lesson_date": day,
            "start_time": _clock(start), "end_time": _clock(end), "teacher_id": plan["teacher_id"],
            "classroom_id": plan["room"], "units": plan["course"]["units"],
            "topic": f"第 {number} 讲 · {topics[number % len(topics)]}", "created_at": scheduled,
            "updated_at": scheduled}


def _add_class(ctx: BenchContext, plan: dict) -> None:
    first, last = plan["lessons"][0]["lesson_date"], plan["lessons"][-1]["lesson_date"]
    created = ctx.utc(first - 30 * DAY, 10)
    ctx.rows.add(ClassGroup.__table__, {
        "id": plan["id"], "name": plan["name"], "course_id": plan["course"]["id"], "campus_id": ctx.campus_id,
        "head_teacher_id": plan["teacher_id"], "classroom_id": plan["room"], "start_date": first, "end_date": last,
        "capacity": max(plan["size"], 40), "created_at": created, "updated_at": created})
    ctx.rows.extend(Lesson.__table__, plan["lessons"])
    if plan["sheet"]:
        ctx.sheet_lesson_ids += [lesson["id"] for lesson in plan["lessons"] if lesson["lesson_date"] == ctx.today]


def lesson_end(ctx: BenchContext, lesson: dict) -> dt.datetime:
    end = lesson["end_time"]
    return ctx.utc(lesson["lesson_date"], end.hour, end.minute)
