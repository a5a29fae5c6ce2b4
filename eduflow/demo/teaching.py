"""Classes on a weekly pattern and their lessons, with no teacher or classroom ever double-booked."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace

from eduflow.demo import texts
from eduflow.demo.context import DemoContext
from eduflow.extensions import db
from eduflow.models import ClassGroup, Lesson

WEEKDAY_STARTS = (16 * 60 + 30, 18 * 60 + 30)
WEEKEND_STARTS = (9 * 60, 10 * 60 + 45, 14 * 60, 15 * 60 + 45, 17 * 60 + 30)
LESSON_SHAPE = {"少儿编程": (120, 2)}  # course -> (minutes, units); others are 90 minutes, 1 课时
FUTURE_DAYS = 21


@dataclass(eq=False)
class ClassPlan:
    campus_index: int
    course: str
    name: str
    teacher: str
    room: int
    start: int  # days from today
    end: int
    capacity: int
    per_week: int
    prefer_today: bool = False
    pattern: list[tuple[int, int, int]] = field(default_factory=list)  # (weekday, start, end) in minutes
    group: ClassGroup | None = None

    @property
    def finished(self) -> bool:
        return self.end < 0

    def clashes_with(self, other: "ClassPlan") -> bool:
        return any(a[0] == b[0] and a[1] < b[2] and b[1] < a[2] for a in self.pattern for b in other.pattern)


CLASSES = (
    ClassPlan(0, "少儿英语", "少儿英语 KET 启航班", "teacher1", 0, -42, 98, 12, 2, prefer_today=True),
    ClassPlan(0, "少儿英语", "少儿英语 自然拼读班", "teacher1", 0, -28, 112, 12, 2),
    ClassPlan(0, "思维数学", "思维数学 二年级班", "teacher1", 1, -42, 84, 12, 1, prefer_today=True),
    ClassPlan(0, "思维数学", "思维数学 三年级班", "teacher1", 1, 7, 133, 12, 1),
    ClassPlan(0, "创意美术", "创意美术 周末班", "teacher3", 2, -35, 77, 16, 1),
    ClassPlan(0, "创意美术", "创意美术 秋季班", "teacher3", 2, -63, -10, 14, 1),
    ClassPlan(0, "少儿编程", "少儿编程 Scratch 入门班", "teacher3", 3, -42, 84, 10, 1),
    ClassPlan(0, "硬笔书法", "硬笔书法 春季短期班", "teacher3", 4, -42, 20, 14, 2),
    ClassPlan(1, "少儿英语", "少儿英语 剑桥一级班", "teacher2", 0, -42, 98, 14, 2, prefer_today=True),
    ClassPlan(1, "思维数学", "思维数学 一年级班", "teacher2", 1, -35, 91, 14, 1),
    ClassPlan(1, "创意美术", "创意美术 启蒙班", "teacher2", 2, -21, 91, 16, 1),
    ClassPlan(1, "少儿编程", "少儿编程 Python 预备班", "teacher2", 3, -42, 84, 12, 1),
)


def _clock(minutes: int) -> dt.time:
    return dt.time(minutes // 60, minutes % 60)


def _plan_pattern(ctx: DemoContext, plan: ClassPlan, busy: dict[tuple, list[tuple[int, int]]]) -> None:
    """Pick weekly slots free for the teacher and the classroom; spread twice-weekly classes apart."""
    minutes = LESSON_SHAPE.get(plan.course, (90, 1))[0]
    days = list(range(7))
    ctx.rng.shuffle(days)
    if plan.prefer_today:
        days.remove(ctx.today.weekday())
        days.insert(0, ctx.today.weekday())
    keys = (("teacher", plan.teacher), ("room", plan.campus_index, plan.room))
    for strict in (True, False):
        for weekday in days:
            if len(plan.pattern) == plan.per_week:
                return
            taken = [slot[0] for slot in plan.pattern]
            if weekday in taken or (strict and any(min((weekday - t) % 7, (t - weekday) % 7) < 2 for t in taken)):
                continue
            starts = list(WEEKEND_STARTS if weekday >= 5 else WEEKDAY_STARTS)
            ctx.rng.shuffle(starts)
            for start in starts:
                end = start + minutes
                if all(not (s < end and start < e) for key in keys for s, e in busy.get((*key, weekday), ())):
                    for key in keys:
                        busy.setdefault((*key, weekday), []).append((start, end))
                    plan.pattern.append((weekday, start, end))
                    break
    if len(plan.pattern) < plan.per_week:
        raise RuntimeError(f"no free weekly slot for {plan.name}")


def build_classes(ctx: DemoContext) -> None:
    busy: dict[tuple, list[tuple[int, int]]] = {}
    for template in CLASSES:
        plan = replace(template, pattern=[], group=None)
        _plan_pattern(ctx, plan, busy)
        start, end = ctx.today + dt.timedelta(days=plan.start), ctx.today + dt.timedelta(days=plan.end)
        plan.group = ClassGroup(
            name=plan.name, course=ctx.courses[plan.course], campus=ctx.campuses[plan.campus_index],
            head_teacher=ctx.users[plan.teacher], classroom=ctx.classrooms[plan.campus_index][plan.room],
            start_date=start, end_date=end, capacity=plan.capacity,
            created_at=ctx.utc(start - dt.timedelta(days=30), 10),
        )
        ctx.classes.append(plan)
    db.session.add_all(plan.group for plan in ctx.classes)
    db.session.flush()

    for plan in ctx.classes:
        group = plan.group
        minutes, units = LESSON_SHAPE.get(plan.course, (90, 1))
        topics = texts.TOPICS[plan.course]
        last = min(group.end_date, ctx.today + dt.timedelta(days=FUTURE_DAYS))
        lessons, day = [], group.start_date
        scheduled = min(ctx.utc(group.start_date - dt.timedelta(days=7), 10), ctx.now)
        while day <= last:
            for weekday, start, end in sorted(plan.pattern):
                if day.weekday() == weekday:
                    lessons.append(Lesson(
                        class_id=group.id, lesson_date=day, start_time=_clock(start), end_time=_clock(end),
                        teacher_id=group.head_teacher_id, classroom_id=group.classroom_id, units=units,
                        topic=f"第 {len(lessons) + 1} 讲 · {topics[len(lessons) % len(topics)]}",
                        created_at=scheduled, updated_at=scheduled,
                    ))
            day += dt.timedelta(days=1)
        ctx.lessons[group.id] = lessons
        db.session.add_all(lessons)
    db.session.flush()


def lesson_end(ctx: DemoContext, lesson: Lesson) -> dt.datetime:
    return ctx.utc(lesson.lesson_date, lesson.end_time.hour, lesson.end_time.minute)
