"""About 300 leads in every stage, with follow-ups, stage history, six-speed sheets and trials."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from eduflow.demo import texts
from eduflow.demo.context import DemoContext
from eduflow.demo.org import campus_staff
from eduflow.demo.people import SOURCE_WEIGHTS, add_student
from eduflow.extensions import db
from eduflow.models import (
    CustomerLevel, FollowUp, FollowUpMethod, Lead, LeadPoolEvent, LeadStage, LeadStageChange, PoolAction, Role,
    SixSpeed, SixSpeedChange, Stickiness, TrialLesson, TrialStatus,
)

LEADS_PER_CAMPUS = (180, 120)
POOL_SHARE = 0.06
STAGE_SHARE = {LeadStage.NEW: 0.15, LeadStage.CONTACTED: 0.22, LeadStage.INTENT: 0.17, LeadStage.PENDING: 0.10,
               LeadStage.CONVERTED: 0.18, LeadStage.LOST: 0.18}
OPEN_PATH = [LeadStage.NEW, LeadStage.CONTACTED, LeadStage.INTENT, LeadStage.PENDING]
CONSULT_DAYS = {LeadStage.NEW: (0, 10), LeadStage.CONTACTED: (3, 60), LeadStage.INTENT: (7, 90),
                LeadStage.PENDING: (10, 100), LeadStage.CONVERTED: (14, 100), LeadStage.LOST: (15, 240)}
COURSE_WEIGHTS = {"少儿英语": 35, "思维数学": 25, "创意美术": 15, "少儿编程": 15, "硬笔书法": 10}
METHODS = {FollowUpMethod.PHONE: 45, FollowUpMethod.WECHAT: 40, FollowUpMethod.MEETING: 8, FollowUpMethod.SMS: 5,
           FollowUpMethod.EMAIL: 2}
GRADES = ("一", "二", "三", "四", "五", "六")
MINUTE, HOUR, DAY = dt.timedelta(minutes=1), dt.timedelta(hours=1), dt.timedelta(days=1)


@dataclass
class LeadStory:
    """What happened to one lead, worked out before any row is written."""

    stage: LeadStage
    consult_at: dt.datetime
    end: dt.datetime  # conversion / loss time, or the last follow-up of an open lead
    next_at: dt.datetime | None
    timeline: list[tuple[dt.datetime, LeadStage | None, LeadStage]] = field(default_factory=list)

    def stage_at(self, moment: dt.datetime) -> LeadStage:
        current = LeadStage.NEW
        for when, _, to in self.timeline:
            if when <= moment:
                current = to
        return current

    def reached(self, stage: LeadStage) -> dt.datetime | None:
        return next((when for when, _, to in self.timeline if to == stage), None)


def _grade(age: int) -> str:
    if age <= 5:
        return "幼儿园中班"
    if age == 6:
        return "幼儿园大班"
    return f"{GRADES[age - 7]}年级" if age <= 12 else "初一"


def _story(ctx: DemoContext, stage: LeadStage, pooled: bool) -> LeadStory:
    low, high = (35, 90) if pooled else CONSULT_DAYS[stage]
    consult_at = ctx.office_time(ctx.days_ago(ctx.rng.randint(low, high)))
    next_at = None
    if stage == LeadStage.CONVERTED:
        end = min(consult_at + ctx.rng.randint(7, 40) * DAY, ctx.now - DAY)
    elif stage == LeadStage.LOST:
        end = min(consult_at + ctx.rng.randint(5, 60) * DAY, ctx.now - HOUR)
    elif pooled:  # the owner stopped following it up more than a month ago
        end = ctx.between(consult_at + HOUR, max(consult_at + HOUR, ctx.now - 31 * DAY))
    else:
        # Owned open leads were followed up within the pool-return period (30 days), some are due now.
        consult_age = (ctx.today - ctx.local(consult_at).date()).days
        recent = max(consult_at, ctx.now - 25 * DAY) + 10 * MINUTE
        plan = ctx.weighted({"overdue": 25 if consult_age >= 2 else 0, "today": 15, "future": 60})
        if plan == "overdue":
            next_at = ctx.utc(ctx.days_ago(ctx.rng.randint(1, min(10, consult_age - 1))), ctx.rng.randint(9, 19))
            end = ctx.between(recent, max(recent, next_at - DAY))
        elif plan == "today":
            next_at = ctx.utc(ctx.today, ctx.rng.randint(9, 20), ctx.pick((0, 30)))
            end = ctx.between(recent, max(recent, min(ctx.now, next_at) - HOUR))
        else:
            next_at = ctx.utc(ctx.today + ctx.rng.randint(1, 14) * DAY, ctx.rng.randint(9, 20))
            end = ctx.between(max(recent, ctx.now - 14 * DAY), ctx.now - 10 * MINUTE)
        end = max(min(end, ctx.now - MINUTE, next_at - MINUTE), consult_at)
        if next_at <= end:  # a lead that came in this morning, due again later today
            next_at = end + ctx.rng.randint(1, 3) * HOUR
    story = LeadStory(stage, consult_at, end, next_at)

    if stage == LeadStage.CONVERTED:
        path = OPEN_PATH + [LeadStage.CONVERTED]
    elif stage == LeadStage.LOST:
        path = OPEN_PATH[:ctx.rng.randint(1, 4)] + [LeadStage.LOST]
    else:
        path = OPEN_PATH[:OPEN_PATH.index(stage) + 1]
    closed = stage in (LeadStage.CONVERTED, LeadStage.LOST)
    middle = sorted(ctx.between(consult_at, end) for _ in range(len(path) - (2 if closed else 1)))
    times = [consult_at, *middle, *([end] if closed else [])]
    story.timeline = [(when, before, after) for when, before, after in zip(times, [None, *path[:-1]], path)]
    return story


def _courses(ctx: DemoContext, campus_index: int, stage: LeadStage) -> list:
    open_courses = {plan.course for plan in ctx.classes if plan.campus_index == campus_index and not plan.finished}
    weights = dict(COURSE_WEIGHTS)
    first = ctx.weighted({k: v for k, v in weights.items() if k in open_courses} if stage == LeadStage.CONVERTED
                         else weights)
    names = [first]
    if ctx.chance(0.3):
        second = ctx.weighted({k: v for k, v in weights.items() if k != first})
        names.append(second)
    return [ctx.courses[name] for name in names]


def _method(ctx: DemoContext, content: str) -> FollowUpMethod:
    if "到校" in content:
        return FollowUpMethod.VISIT
    if "微信" in content:
        return FollowUpMethod.WECHAT
    if "电话" in content or "致电" in content:
        return FollowUpMethod.PHONE
    return ctx.weighted(METHODS)


def _follow_ups(ctx: DemoContext, lead: Lead, story: LeadStory, writer, course: str) -> list[FollowUp]:
    """First contact, one follow-up per stage change, the latest contact, and a few in between (1–5)."""
    first = min(story.consult_at + ctx.rng.randint(5, 90) * MINUTE, story.end)
    times = sorted({first, *(when for when, before, _ in story.timeline if before is not None), story.end})
    while len(times) > 5:  # keep the first contact, the latest and the later stage changes
        times.pop(1)
    times = sorted(set(times) | {ctx.between(first, story.end) for _ in range(ctx.rng.randint(0, 5 - len(times)))})
    age = (ctx.today - lead.birth_date).days // 365
    rows = []
    for index, when in enumerate(times):
        stage = story.stage_at(when)
        choices = texts.FOLLOW_UPS[stage.value]
        if stage == LeadStage.NEW and index:  # only the first contact is the first call
            choices = choices[1:]
        content = ctx.pick(choices).format(
            child=lead.name[1:], age=age, grade=_grade(age), course=course, reason=lead.lost_reason or "暂不考虑")
        is_last = index == len(times) - 1
        rows.append(FollowUp(
            followed_at=when, user=writer, content=content, method=_method(ctx, content),
            feedback=ctx.pick(texts.FEEDBACK), next_plan=ctx.pick(texts.NEXT_PLANS.get(stage.value, ("",))),
            next_followup_at=story.next_at if is_last else times[index + 1],
        ))
    return rows


def _six_speed(ctx: DemoContext, lead: Lead, story: LeadStory, writer) -> tuple[SixSpeed, list[SixSpeedChange]]:
    stage = story.stage
    intent_at, pending_at = story.reached(LeadStage.INTENT), story.reached(LeadStage.PENDING)
    sheet = SixSpeed(
        lead=lead, owner=lead.owner, opened_by=writer, purchase_power=ctx.pick(texts.PURCHASE_POWER),
        concept_awareness=ctx.pick(texts.CONCEPT), preferred_class_time=ctx.pick(texts.CLASS_TIMES),
        distance=ctx.pick(texts.DISTANCES), communication_notes=ctx.pick(texts.COMMUNICATION),
        wechat_added=ctx.chance(0.95 if intent_at else 0.7), consultation_remark=ctx.pick(texts.CONSULT_REMARKS),
        chasing_mark=ctx.pick(texts.CHASING_MARKS) if stage in (LeadStage.INTENT, LeadStage.PENDING) else "",
        is_closed=stage in (LeadStage.CONVERTED, LeadStage.LOST), is_enrolled=stage == LeadStage.CONVERTED,
        is_valid=lead.is_valid, created_at=story.reached(LeadStage.CONTACTED) or story.consult_at,
        stickiness=ctx.weighted({
            LeadStage.CONVERTED: {Stickiness.HIGH: 7, Stickiness.MID: 3},
            LeadStage.PENDING: {Stickiness.HIGH: 6, Stickiness.MID: 4},
            LeadStage.INTENT: {Stickiness.HIGH: 4, Stickiness.MID: 4, Stickiness.LOW: 2},
            LeadStage.CONTACTED: {Stickiness.MID: 5, Stickiness.LOW: 5},
        }.get(stage, {Stickiness.LOW: 8, Stickiness.MID: 2})),
    )
    changes = []
    if intent_at:  # the visit that made the family's intent clear: they come on time or a little late
        sheet.promised_visit_at = intent_at
        sheet.actual_visit_at = min(intent_at + ctx.rng.randrange(0, 45, 5) * MINUTE, ctx.now)
        sheet.first_visit_at, sheet.first_visit_status = sheet.actual_visit_at, ctx.pick(texts.VISIT_STATUS)
        second = max(pending_at or story.end, sheet.first_visit_at + 2 * DAY)
        if pending_at and ctx.chance(0.5) and second <= min(story.end, ctx.now):
            sheet.second_visit_at, sheet.second_visit_status = second, ctx.pick(texts.VISIT_STATUS)
        changes.append(SixSpeedChange(field="actual_visit_at", old_value="",
                                      new_value=sheet.actual_visit_at.strftime("%Y-%m-%d %H:%M"),
                                      changed_by=writer, changed_at=sheet.actual_visit_at))
    elif stage == LeadStage.CONTACTED and story.next_at and ctx.chance(0.5):
        sheet.promised_visit_at = story.next_at  # the family promised to come in: upcoming (or missed)
        changes.append(SixSpeedChange(field="promised_visit_at", old_value="",
                                      new_value=story.next_at.strftime("%Y-%m-%d %H:%M"),
                                      changed_by=writer, changed_at=story.end))
    sheet.updated_at = max([sheet.created_at, *(change.changed_at for change in changes)])
    return sheet, changes


def _trial(ctx: DemoContext, lead: Lead, story: LeadStory, course: str, writer) -> TrialLesson | None:
    groups = [plan.group for plan in ctx.classes if plan.campus_index == ctx.campuses.index(lead.campus)
              and plan.course == course]
    lessons = [lesson for group in groups for lesson in ctx.lessons[group.id]]
    consult_day = ctx.local(story.consult_at).date()
    until = ctx.local(story.reached(LeadStage.CONVERTED) or story.end).date()
    upcoming = story.stage in (LeadStage.CONTACTED, LeadStage.INTENT) and ctx.chance(0.5)
    if upcoming:
        lessons = [ls for ls in lessons if ctx.today <= ls.lesson_date <= ctx.today + 10 * DAY]
    else:
        lessons = [ls for ls in lessons if consult_day < ls.lesson_date < min(until, ctx.today)]
    if not lessons:
        return None
    lesson = ctx.pick(lessons)
    booked = min(ctx.between(story.consult_at, ctx.utc(lesson.lesson_date, 9) - DAY), ctx.now)
    status = TrialStatus.BOOKED if upcoming else (TrialStatus.ATTENDED if ctx.chance(0.8) else TrialStatus.NO_SHOW)
    return TrialLesson(lead=lead, lesson=lesson, status=status, booked_by=writer, created_at=max(booked,
                       story.consult_at), notes=ctx.pick(("家长陪同试听", "试听后安排测评", "孩子第一次来校", "")))


def build_leads(ctx: DemoContext) -> None:
    dormant_since = ctx.now - 180 * DAY
    region = ("望京片区", "中关村片区")
    manual = [name for name in ctx.tags if ctx.tags[name].system_code is None and name not in region]
    for campus_index, count in enumerate(LEADS_PER_CAMPUS):
        sales = campus_staff(ctx, campus_index, Role.SALES)
        stages = [stage for stage, share in STAGE_SHARE.items() for _ in range(round(count * share))]
        stages = (stages + [LeadStage.CONTACTED] * count)[:count]
        ctx.rng.shuffle(stages)
        pool_left = round(count * POOL_SHARE)
        leads: list[Lead] = []
        rows: list[tuple[Lead, object]] = []  # rows that need the lead's id
        sheet_changes: list[tuple[SixSpeed, SixSpeedChange]] = []
        trials: list[TrialLesson] = []
        for stage in stages:
            pooled = pool_left > 0 and stage in (LeadStage.NEW, LeadStage.CONTACTED) and ctx.chance(0.35)
            pool_left -= pooled
            writer = ctx.pick(sales)  # the owner, or for pool leads the last owner
            story = _story(ctx, stage, pooled)
            name, gender, birth = ctx.child(5, 13)
            contact, relation = ctx.parent(name)
            source = ctx.sources[ctx.weighted(SOURCE_WEIGHTS)]
            referrers = [s for s in ctx.students[campus_index]
                         if ctx.student_meta[id(s)]["since"] < story.consult_at]
            if source.is_referral and not referrers:
                source = ctx.sources["电话咨询"]
            invalid = stage == LeadStage.LOST and ctx.chance(0.15)
            lead = Lead(
                name=name, gender=gender, birth_date=birth, contact_name=contact, contact_relation=relation,
                wechat_id=ctx.wechat_id(contact) if ctx.chance(0.5) else "", source=source,
                referrer=ctx.pick(referrers) if source.is_referral else None, campus=ctx.campuses[campus_index],
                consult_date=ctx.local(story.consult_at).date(), stage=stage, owner=None if pooled else writer,
                owner_assigned_at=None if pooled else story.consult_at, is_valid=not invalid,
                lost_reason=(texts.INVALID_REASON if invalid else ctx.pick(texts.LOST_REASONS))
                if stage == LeadStage.LOST else "",
                level=ctx.weighted({CustomerLevel.VIP: 3, CustomerLevel.NORMAL: 7} if stage == LeadStage.CONVERTED
                                   else {CustomerLevel.POTENTIAL: 6, CustomerLevel.NORMAL: 3, CustomerLevel.VIP: 1}),
                notes=ctx.pick(texts.COMMUNICATION) if ctx.chance(0.2) else "",
                email=ctx.email(contact) if ctx.chance(0.2) else None,
                next_followup_at=story.next_at, created_at=story.consult_at, updated_at=story.end,
            )
            lead.phone = ctx.phone()
            lead.courses = _courses(ctx, campus_index, stage)
            course = lead.courses[0].name
            keen = stage in (LeadStage.INTENT, LeadStage.PENDING, LeadStage.CONVERTED)
            tags = ctx.rng.sample([t for t in manual if keen or t != "意向强烈"], ctx.rng.choice((0, 0, 1, 1, 2)))
            if ctx.chance(0.3):
                tags.append(region[campus_index])
            follow_ups = _follow_ups(ctx, lead, story, writer, course)
            lead.last_followup_at = max(f.followed_at for f in follow_ups)
            if lead.last_followup_at < dormant_since:
                tags.append("休眠")
            lead.tags = [ctx.tags[name] for name in tags]
            rows += [(lead, row) for row in follow_ups]
            rows += [(lead, LeadStageChange(from_stage=before, to_stage=after, changed_by=writer, changed_at=when,
                                            reason=lead.lost_reason if after == LeadStage.LOST else ""))
                     for when, before, after in story.timeline]
            if pooled:
                returned = ctx.chance(0.6)
                rows.append((lead, LeadPoolEvent(
                    action=PoolAction.RETURN if returned else PoolAction.RELEASE, from_user=writer,
                    by_user=None if returned else writer,
                    reason="" if returned else "家长暂无需求，释放到公海", idle_days=30 if returned else None,
                    happened_at=lead.last_followup_at + (30 * DAY if returned else HOUR))))
            if stage != LeadStage.NEW and (stage in (LeadStage.PENDING, LeadStage.CONVERTED) or ctx.chance(0.8)):
                sheet, changes = _six_speed(ctx, lead, story, writer)
                sheet_changes += [(sheet, change) for change in changes]
            if stage != LeadStage.NEW and story.reached(LeadStage.CONTACTED) and ctx.chance(0.35):
                trial = _trial(ctx, lead, story, course, writer)
                if trial:
                    trials.append(trial)
            if stage == LeadStage.CONVERTED:
                student = add_student(
                    ctx, campus_index, name=name, gender=gender, birth=birth, owner=writer, source=source,
                    since=story.end, parent=(contact, relation), phone=lead.phone, email=lead.email,
                    wechat_id=lead.wechat_id, notes="由线索转化",
                )
                ctx.student_meta[id(student)].update(courses=[course], converted=story.end)
                lead.converted_student = student
            leads.append(lead)
        db.session.add_all(leads)
        db.session.add_all(trials)
        db.session.flush()
        for lead, row in rows:
            row.lead_id = lead.id
        for sheet, change in sheet_changes:
            change.six_speed_id = sheet.id
        db.session.add_all([row for _, row in rows] + [change for _, change in sheet_changes])
        db.session.flush()
