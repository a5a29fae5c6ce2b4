"""The sales side of a campus: leads in every stage with the history the app would have written for them.

Each lead gets a story (when the family first asked, each stage it reached, its last follow-up and the
next one planned), and from it: stage changes from 新咨询 on, follow-ups whose last one is the lead's
last_followup_at, intended courses and tags (休眠 where the dormant job would put it), six-speed sheets on
about a third, and a pool event for the leads back in the pool. Owned open leads were followed up within
the pool-return period; a quarter of them are overdue. Converted leads are the students' own enquiries.
"""
from __future__ import annotations

import bisect
import datetime as dt
from dataclasses import dataclass, field

from eduflow.benchdata.context import DAY, HOUR, MINUTE, BenchContext
from eduflow.benchdata.people import child_name
from eduflow.demo import texts
from eduflow.models import (
    CustomerLevel, FollowUp, FollowUpMethod, Gender, Lead, LeadNameKey, LeadPoolEvent, LeadStage, LeadStageChange,
    PoolAction, SixSpeed, SixSpeedChange, Stickiness, lead_courses, lead_tags,
)
from eduflow.models.leads import name_key_rows

STAGE_SHARE = {LeadStage.NEW: 0.14, LeadStage.CONTACTED: 0.26, LeadStage.INTENT: 0.16, LeadStage.PENDING: 0.08,
               LeadStage.CONVERTED: 0.04, LeadStage.LOST: 0.32}
OPEN_PATH = [LeadStage.NEW, LeadStage.CONTACTED, LeadStage.INTENT, LeadStage.PENDING]
CONSULT_DAYS = {LeadStage.NEW: (0, 20), LeadStage.CONTACTED: (3, 400), LeadStage.INTENT: (7, 500),
                LeadStage.PENDING: (10, 600), LeadStage.LOST: (20, 900)}
FOLLOW_UP_WEIGHT = {LeadStage.NEW: 2, LeadStage.CONTACTED: 8, LeadStage.INTENT: 12, LeadStage.PENDING: 14,
                    LeadStage.CONVERTED: 16, LeadStage.LOST: 10}
POOL_SHARE = 0.06
SHEET_SHARE = 0.33  # six-speed sheets on a third of the leads
METHODS = {FollowUpMethod.PHONE: 45, FollowUpMethod.WECHAT: 40, FollowUpMethod.MEETING: 8, FollowUpMethod.SMS: 5,
           FollowUpMethod.EMAIL: 2}
SOURCES = {"线上广告": 25, "地推": 15, "转介绍": 12, "官网": 10, "电话咨询": 18, "展会": 6}
CHUNK = 2000


@dataclass
class Story:
    """One lead's life so far: the moments it reached each stage, its last follow-up and the next planned."""

    stage: LeadStage
    consult_at: dt.datetime
    end: dt.datetime
    next_at: dt.datetime | None
    timeline: list[tuple[dt.datetime, LeadStage | None, LeadStage]] = field(default_factory=list)

    def stage_at(self, moment: dt.datetime) -> LeadStage:
        index = bisect.bisect_right([when for when, _, _ in self.timeline], moment)
        return self.timeline[max(index - 1, 0)][2]

    def reached(self, stage: LeadStage) -> dt.datetime | None:
        return next((when for when, _, to in self.timeline if to == stage), None)


def _stages(ctx: BenchContext, count: int, converted: int) -> list[LeadStage]:
    """Stages in their shares (converted ones capped by the students there are); the first lead is INTENT."""
    stages = [stage for stage, share in STAGE_SHARE.items() if stage != LeadStage.CONVERTED
              for _ in range(round(count * share))]
    stages = (stages + [LeadStage.CONTACTED] * count)[:count - converted] + [LeadStage.CONVERTED] * converted
    ctx.rng.shuffle(stages)
    stages.remove(LeadStage.INTENT)
    return [LeadStage.INTENT, *stages]


def _follow_up_counts(ctx: BenchContext, stages: list[LeadStage]) -> list[int]:
    """Follow-ups per lead (at least one each), adding up to the campus's total; the first has the busy count."""
    total = ctx.size["follow_ups"] - ctx.size["busy_follow_ups"]
    weights = [FOLLOW_UP_WEIGHT[stage] * (0.3 + 1.4 * ctx.rng.random()) for stage in stages[1:]]
    factor = total / sum(weights)
    counts = [max(1, round(weight * factor)) for weight in weights]
    gap = total - sum(counts)
    while gap:
        index = int(ctx.rng.random() * len(counts))
        if gap > 0:
            counts[index], gap = counts[index] + 1, gap - 1
        elif counts[index] > 1:
            counts[index], gap = counts[index] - 1, gap + 1
    busy = ctx.size["busy_follow_ups"]
    while counts and max(counts) >= busy:  # small scales: the busy lead still has the most
        busy += 1
        index = counts.index(max(counts))
        counts[index] -= 1
    return [busy, *counts]


def _story(ctx: BenchContext, stage: LeadStage, pooled: bool, converted_at: dt.datetime | None,
           busy: bool) -> Story:
    if stage == LeadStage.CONVERTED:
        end = converted_at
        consult_at = end - (7 + int(ctx.rng.random() * 50)) * DAY
        next_at = None
    elif busy:  # followed up for more than a year, many times a day
        consult_at, end = ctx.office_time(ctx.days_ago(400)), ctx.now - 2 * HOUR
        next_at = ctx.utc(ctx.today + 2 * DAY, 10)
    else:
        low, high = (35, 720) if pooled else CONSULT_DAYS[stage]
        consult_at = ctx.office_time(ctx.days_ago(low + int(ctx.rng.random() * (high - low + 1))))
        end, next_at = _last_and_next(ctx, stage, pooled, consult_at)
    story = Story(stage, consult_at, end, next_at)
    story.timeline = _timeline(ctx, stage, consult_at, end)
    return story


def _last_and_next(ctx: BenchContext, stage: LeadStage, pooled: bool,
                   consult_at: dt.datetime) -> tuple[dt.datetime, dt.datetime | None]:
    """The last follow-up and the next planned one (owned open leads only)."""
    if stage == LeadStage.LOST:
        return min(consult_at + (5 + int(ctx.rng.random() * 55)) * DAY, ctx.now - HOUR), None
    if pooled:  # the owner stopped following it up more than a month ago
        return ctx.between(consult_at + HOUR, ctx.now - 31 * DAY), None
    recent = max(consult_at, ctx.now - 25 * DAY) + 10 * MINUTE
    plan = ctx.weighted({"overdue": 25, "today": 15, "future": 60})
    age = (ctx.today - ctx.local(consult_at).date()).days
    if plan == "overdue" and age >= 3:
        next_at = ctx.utc(ctx.days_ago(1 + int(ctx.rng.random() * min(10, age - 2))), 9 + int(ctx.rng.random() * 11))
        end = ctx.between(recent, max(recent, next_at - DAY))
    elif plan == "today":
        next_at = ctx.utc(ctx.today, 9 + int(ctx.rng.random() * 12), ctx.pick((0, 30)))
        end = ctx.between(recent, max(recent, min(ctx.now, next_at) - HOUR))
    else:
        next_at = ctx.utc(ctx.today + (1 + int(ctx.rng.random() * 14)) * DAY, 9 + int(ctx.rng.random() * 12))
        end = ctx.between(recent, ctx.now - 10 * MINUTE)
    end = max(min(end, ctx.now - MINUTE), consult_at)
    if next_at <= end:  # came in this morning, due again later today
        next_at = end + HOUR
    return end, next_at


def _timeline(ctx: BenchContext, stage: LeadStage, start: dt.datetime, end: dt.datetime) -> list:
    if stage == LeadStage.CONVERTED:
        path = OPEN_PATH + [LeadStage.CONVERTED]
    elif stage == LeadStage.LOST:
        path = OPEN_PATH[:1 + int(ctx.rng.random() * 4)] + [LeadStage.LOST]
    else:
        path = OPEN_PATH[:OPEN_PATH.index(stage) + 1]
    closed = stage in (LeadStage.CONVERTED, LeadStage.LOST)
    middle = sorted(ctx.between(start, end) for _ in range(len(path) - (2 if closed else 1)))
    times = [start, *middle, *([end] if closed else [])]
    return list(zip(times, [None, *path[:-1]], path))


def build_leads(ctx: BenchContext) -> None:
    """The campus's leads with their history, written in chunks (parents before children)."""
    count = ctx.size["leads"]
    students = ctx.students[:]
    ctx.rng.shuffle(students)
    converted = students[:min(round(count * STAGE_SHARE[LeadStage.CONVERTED]), len(students), count - 1)]
    stages = _stages(ctx, count, len(converted))
    follow_ups = _follow_up_counts(ctx, stages)
    pool_left = round(count * POOL_SHARE)
    converted_iter = iter(converted)
    for index, (stage, n) in enumerate(zip(stages, follow_ups)):
        busy = index == 0
        pooled = not busy and pool_left > 0 and stage in (LeadStage.NEW, LeadStage.CONTACTED) and ctx.chance(0.2)
        pool_left -= pooled
        student = next(converted_iter) if stage == LeadStage.CONVERTED else None
        _lead(ctx, stage, n, pooled, student, busy)
        if (index + 1) % CHUNK == 0:
            ctx.rows.flush()
    ctx.rows.flush()


def _lead(ctx: BenchContext, stage: LeadStage, follow_ups: int, pooled: bool, student: dict | None,
          busy: bool) -> None:
    writer = ctx.sales[0] if busy else student["owner_id"] if student else ctx.pick(ctx.sales)
    story = _story(ctx, stage, pooled, student["since"] if student else None, busy)
    lead_id = ctx.ids.take(Lead.__table__)
    male = ctx.chance(0.5)
    name = student["name"] if student else child_name(ctx, male)
    relation = ctx.weighted(texts.RELATIONS)
    source = _source(ctx, story)
    invalid = stage == LeadStage.LOST and ctx.chance(0.15)
    lost_reason = (texts.INVALID_REASON if invalid else ctx.pick(texts.LOST_REASONS)) if stage == LeadStage.LOST else ""
    ctx.rows.add(Lead.__table__, {
        "id": lead_id, **ctx.named(name), **ctx.phoned(student["phone"] if student else ctx.phone()),
        "gender": student["gender"] if student else Gender.MALE if male else Gender.FEMALE,
        "birth_date": ctx.today - dt.timedelta(days=5 * 365 + int(ctx.rng.random() * 2900)),
        "contact_name": ctx.pick("王李张刘陈杨") + ctx.pick(texts.WOMEN if relation == "妈妈" else texts.MEN),
        "contact_relation": relation, "wechat_id": "", "email": None, "source_id": source["id"],
        "referrer_student_id": source.get("referrer"), "consult_date": ctx.local(story.consult_at).date(),
        "stage": stage, "owner_id": None if pooled else writer, "campus_id": ctx.campus_id,
        "level": CustomerLevel.NORMAL if stage == LeadStage.CONVERTED else ctx.weighted(
            {CustomerLevel.POTENTIAL: 6, CustomerLevel.NORMAL: 3, CustomerLevel.VIP: 1}),
        "is_valid": not invalid, "lost_reason": lost_reason, "notes": "", "last_followup_at": story.end,
        "next_followup_at": story.next_at, "owner_assigned_at": None if pooled else story.consult_at,
        "converted_student_id": student["id"] if student else None, "version": 1, "deleted_at": None,
        "created_at": story.consult_at, "updated_at": story.end})
    for row in name_key_rows(lead_id, ctx.campus_id, name):
        ctx.rows.add(LeadNameKey.__table__, row)
    _courses_and_tags(ctx, lead_id, stage, story)
    for when, before, after in story.timeline:
        ctx.rows.add(LeadStageChange.__table__, {
            "id": ctx.ids.take(LeadStageChange.__table__), "lead_id": lead_id, "from_stage": before,
            "to_stage": after, "reason": lost_reason if after == LeadStage.LOST else "", "changed_by_id": writer,
            "changed_at": when})
    _follow_ups(ctx, lead_id, name, story, writer, follow_ups)
    if pooled:
        _pool_event(ctx, lead_id, story, writer)
    if busy or _has_sheet(ctx, stage):
        _six_speed(ctx, lead_id, story, None if pooled else writer, writer)


def _source(ctx: BenchContext, story: Story) -> dict:
    """A weighted channel; a referral names a student who was already at the school then."""
    name = ctx.weighted(SOURCES)
    source = next(s for s in ctx.sources if s["name"] == name)
    if source["is_referral"]:
        referrer = ctx.pick(ctx.students)
        if referrer["since"] < story.consult_at:
            return source | {"referrer": referrer["id"]}
        source = next(s for s in ctx.sources if not s["is_referral"])
    return source


def _courses_and_tags(ctx: BenchContext, lead_id: int, stage: LeadStage, story: Story) -> None:
    courses = ctx.rng.sample(ctx.courses, 2 if ctx.chance(0.3) else 1)
    ctx.rows.extend(lead_courses, [{"lead_id": lead_id, "course_id": course["id"]} for course in courses])
    keen = stage in (LeadStage.INTENT, LeadStage.PENDING, LeadStage.CONVERTED)
    names = [name for name in ctx.tags if keen or name != "意向强烈"]
    tags = [ctx.tags[name] for name in ctx.rng.sample(names, ctx.pick((0, 0, 1, 1, 2)))]
    if story.end < ctx.now - 180 * DAY and "dormant" in ctx.system_tags:  # as the dormant job tags it
        tags.append(ctx.system_tags["dormant"])
    ctx.rows.extend(lead_tags, [{"lead_id": lead_id, "tag_id": tag} for tag in tags])


def _follow_ups(ctx: BenchContext, lead_id: int, name: str, story: Story, writer: int, count: int) -> None:
    """First contact soon after the enquiry, the last one at story.end, the rest in between; each plans the next."""
    first = min(story.consult_at + (5 + int(ctx.rng.random() * 85)) * MINUTE, story.end)
    times = sorted([first, *(ctx.between(first, story.end) for _ in range(count - 2)), story.end][-count:])
    age = 5 + int(ctx.rng.random() * 8)
    course = ctx.pick(ctx.courses)["name"]
    for index, when in enumerate(times):
        stage = story.stage_at(when)
        content = ctx.pick(texts.FOLLOW_UPS[stage.value]).format(
            child=name[1:], age=age, grade="二年级", course=course, reason="暂不考虑")
        ctx.rows.add(FollowUp.__table__, {
            "id": ctx.ids.take(FollowUp.__table__), "lead_id": lead_id, "student_id": None, "followed_at": when,
            "method": ctx.weighted(METHODS), "content": content, "feedback": ctx.pick(texts.FEEDBACK),
            "next_plan": ctx.pick(texts.NEXT_PLANS.get(stage.value, ("",))),
            "next_followup_at": times[index + 1] if index + 1 < len(times) else story.next_at, "user_id": writer})


def _pool_event(ctx: BenchContext, lead_id: int, story: Story, writer: int) -> None:
    returned = ctx.chance(0.6)
    ctx.rows.add(LeadPoolEvent.__table__, {
        "id": ctx.ids.take(LeadPoolEvent.__table__), "lead_id": lead_id,
        "action": PoolAction.RETURN if returned else PoolAction.RELEASE, "from_user_id": writer, "to_user_id": None,
        "by_user_id": None if returned else writer,
        "reason": "" if returned else "家长暂无需求，释放到公海", "idle_days": 30 if returned else None,
        "happened_at": story.end + (30 * DAY if returned else HOUR)})


def _has_sheet(ctx: BenchContext, stage: LeadStage) -> bool:
    """Sheets on a third of the leads: always once pending, never for a new one, else by chance."""
    if stage in (LeadStage.PENDING, LeadStage.CONVERTED):
        return True
    return stage != LeadStage.NEW and ctx.chance((SHEET_SHARE - 0.12) / 0.74)


def _six_speed(ctx: BenchContext, lead_id: int, story: Story, owner: int | None, writer: int) -> None:
    stage = story.stage
    intent_at = story.reached(LeadStage.INTENT)
    created = story.reached(LeadStage.CONTACTED) or story.consult_at
    sheet_id = ctx.ids.take(SixSpeed.__table__)
    visit = min(intent_at + int(ctx.rng.random() * 45) * MINUTE, ctx.now) if intent_at else None
    ctx.rows.add(SixSpeed.__table__, {
        "id": sheet_id, "lead_id": lead_id, "owner_id": owner, "opened_by_id": writer,
        "purchase_power": ctx.pick(texts.PURCHASE_POWER), "concept_awareness": ctx.pick(texts.CONCEPT),
        "preferred_class_time": ctx.pick(texts.CLASS_TIMES), "distance": ctx.pick(texts.DISTANCES),
        "communication_notes": ctx.pick(texts.COMMUNICATION), "promised_visit_at": intent_at,
        "actual_visit_at": visit, "wechat_added": ctx.chance(0.8), "first_visit_at": visit,
        "first_visit_status": ctx.pick(texts.VISIT_STATUS) if visit else "", "second_visit_at": None,
        "second_visit_status": "", "is_closed": stage in (LeadStage.CONVERTED, LeadStage.LOST),
        "is_enrolled": stage == LeadStage.CONVERTED, "consultation_remark": ctx.pick(texts.CONSULT_REMARKS),
        "chasing_mark": ctx.pick(texts.CHASING_MARKS) if stage in (LeadStage.INTENT, LeadStage.PENDING) else "",
        "stickiness": ctx.weighted({Stickiness.HIGH: 4, Stickiness.MID: 4, Stickiness.LOW: 2}), "is_valid": True,
        "created_at": created, "updated_at": visit or created})
    if visit:
        ctx.rows.add(SixSpeedChange.__table__, {
            "id": ctx.ids.take(SixSpeedChange.__table__), "six_speed_id": sheet_id, "field": "actual_visit_at",
            "old_value": "", "new_value": ctx.local(visit).strftime("%Y-%m-%d %H:%M"), "changed_by_id": writer,
            "changed_at": visit})
