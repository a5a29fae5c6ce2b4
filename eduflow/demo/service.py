"""After enrolment: status-change requests, reviews, renewal reminders and follow-ups with families."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from eduflow.demo import texts
from eduflow.demo.context import DemoContext
from eduflow.demo.finance import Seat
from eduflow.demo.org import campus_staff
from eduflow.extensions import db
from eduflow.models import (
    ApprovalStatus, EnrollmentStatus, FollowUp, FollowUpMethod, ReminderKind, ReminderStatus, RenewalReminder, Review, Role,
    StatusChange, StatusChangeKind, StudentStatus,
)

DAY = dt.timedelta(days=1)


def _unit_price(seat: Seat) -> Decimal:
    enrollment = seat.enrollment
    return enrollment.total_fee / enrollment.lessons_purchased if enrollment.lessons_purchased else Decimal(0)


def _status_changes(ctx: DemoContext, seats: list[Seat]) -> list[StatusChange]:
    managers = [campus_staff(ctx, index, Role.MANAGER)[0] for index in range(len(ctx.campuses))]
    academic = ctx.users["academic1"]
    changes = []

    def change(seat: Seat, kind, old, new, reason, by, days_ago, decision=None, notes=""):
        requested = ctx.office_time(ctx.days_ago(days_ago))
        row = StatusChange(student=seat.student, enrollment=seat.enrollment, kind=kind, old_status=old,
                           new_status=new, reason=reason, requested_by=by, requested_at=requested, notes=notes)
        if decision:
            row.approval_status = decision
            row.approved_by = managers[seat.plan.campus_index]
            row.approved_at = min(requested + dt.timedelta(hours=ctx.rng.randint(2, 30)), ctx.now)
        changes.append(row)
        return row

    for seat in (s for s in seats if s.stop_on):
        days = (ctx.today - seat.stop_on).days + 2
        change(seat, StatusChangeKind.SUSPEND, StudentStatus.ACTIVE, StudentStatus.SUSPENDED,
               ctx.pick(("孩子骨折需要在家休养一个月", "家里有事，回老家一段时间", "校内备考，暂停一期")),
               seat.student.owner, days, ApprovalStatus.APPROVED, "已同意，保留剩余课时").effective_on = seat.stop_on
        if seat.plan.campus_index == 1:
            change(seat, StatusChangeKind.RESUME, StudentStatus.SUSPENDED, StudentStatus.ACTIVE,
                   "孩子已恢复，家长申请下周起复课", seat.student.owner, 1)
    graduate = next((s for s in seats if s.student.status == StudentStatus.GRADUATED), None)
    if graduate:
        days = (ctx.today - graduate.plan.group.end_date).days
        change(graduate, StatusChangeKind.GRADUATE, StudentStatus.ACTIVE, StudentStatus.GRADUATED,
               "本期课程全部完成，结课", academic, days, ApprovalStatus.APPROVED)

    running = [s for s in seats if not s.plan.finished and not s.stop_on and s.balance > 6
               and s.student.status == StudentStatus.ACTIVE]
    ctx.rng.shuffle(running)
    used: set[int] = set()

    def pick_seat(campus_index: int, course: str | None = None) -> Seat | None:
        for seat in running:
            if (seat.plan.campus_index == campus_index and id(seat.student) not in used
                    and (course is None or seat.plan.course == course)):
                used.add(id(seat.student))
                return seat
        return None

    if seat := pick_seat(0):
        change(seat, StatusChangeKind.REFUND, StudentStatus.ACTIVE, StudentStatus.REFUNDED,
               "家长觉得孩子跟不上进度，申请退费", seat.student.owner, 12, ApprovalStatus.REJECTED,
               "已与家长沟通，安排老师课后单独辅导，家长同意继续上课").refund_amount = (
            seat.balance * _unit_price(seat)).quantize(Decimal("0.01"))
    if seat := pick_seat(1):
        change(seat, StatusChangeKind.REFUND, StudentStatus.ACTIVE, StudentStatus.REFUNDED,
               "家庭搬家到外地，无法继续上课", seat.student.owner, 2).refund_amount = (
            seat.balance * _unit_price(seat)).quantize(Decimal("0.01"))
    source = next((p for p in ctx.classes if p.name == "少儿英语 KET 启航班"), None)
    target = next((p for p in ctx.classes if p.name == "少儿英语 自然拼读班"), None)
    if source and target and (seat := next((s for s in running if s.plan is source
                                            and id(s.student) not in used), None)):
        used.add(id(seat.student))
        change(seat, StatusChangeKind.TRANSFER, StudentStatus.ACTIVE, StudentStatus.ACTIVE,
               "孩子英语基础较弱，老师建议转到自然拼读班", academic, 1).target_class = target.group
    if seat := pick_seat(0):
        change(seat, StatusChangeKind.SUSPEND, StudentStatus.ACTIVE, StudentStatus.SUSPENDED,
               "下月随父母出国三周，申请休学", seat.student.owner, 0)
    return changes


def _reviews(ctx: DemoContext, seats: list[Seat]) -> list[Review]:
    reviewers = {0: ctx.users["academic1"], 1: ctx.users["manager2"]}
    reviews = []
    candidates = [s for s in seats if len(s.marks) >= 3]
    for seat in ctx.rng.sample(candidates, min(30, len(candidates))):
        overall = ctx.weighted({5: 50, 4: 35, 3: 10, 2: 4, 1: 1})
        first_day = seat.marks[0][0].lesson_date
        reviewed_on = max(first_day + 7 * DAY, ctx.days_ago(ctx.rng.randint(0, 30)))
        if reviewed_on > ctx.today:
            continue
        teacher = seat.plan.group.head_teacher
        review = Review(
            student=seat.student, course=ctx.courses[seat.plan.course], teacher=teacher, overall_rating=overall,
            course_rating=min(5, max(1, overall + ctx.pick((-1, 0, 0, 1)))),
            teacher_rating=min(5, max(1, overall + ctx.pick((0, 0, 1)))),
            comment=ctx.pick(texts.REVIEWS[overall]), reviewed_on=reviewed_on,
            recorded_by_id=reviewers[seat.plan.campus_index].id,
        )
        if ctx.chance(0.7 if overall <= 3 else 0.4):
            review.reply = texts.REPLIES[0] if overall >= 4 else ctx.pick(texts.REPLIES[1:])
            review.replied_by = teacher
            review.replied_at = min(ctx.utc(reviewed_on + DAY, 20, 30), ctx.now)
        reviews.append(review)
    return reviews


def _reminders(ctx: DemoContext, seats: list[Seat]) -> list[RenewalReminder]:
    reminders = []
    for seat in seats:
        # the reminder job's rule: every active enrolment, whatever the student's status
        if seat.plan.finished or seat.enrollment.status != EnrollmentStatus.ACTIVE:
            continue
        owner = seat.student.owner
        if seat.balance <= 5:
            reminders.append(RenewalReminder(
                student=seat.student, enrollment=seat.enrollment, kind=ReminderKind.LOW_HOURS,
                trigger_value=str(seat.balance), due_date=ctx.today if seat.balance <= 0 else ctx.today + 7 * DAY,
                assigned_to=owner, is_urgent=seat.balance <= 0,
                reminded_at=ctx.office_time(ctx.days_ago(ctx.rng.randint(0, 3)))))
        end = seat.plan.group.end_date
        if end <= ctx.today + 30 * DAY:
            reminders.append(RenewalReminder(
                student=seat.student, enrollment=seat.enrollment, kind=ReminderKind.CONTRACT_EXPIRY,
                trigger_value=end.isoformat(), due_date=end, assigned_to=owner,
                reminded_at=ctx.office_time(ctx.days_ago(ctx.rng.randint(0, 5)))))
    for seat in [s for s in seats if s.plan.finished][:3]:
        reminded = ctx.office_time(seat.plan.group.end_date - 25 * DAY)
        reminders.append(RenewalReminder(
            student=seat.student, enrollment=seat.enrollment, kind=ReminderKind.CONTRACT_EXPIRY,
            trigger_value=seat.plan.group.end_date.isoformat(), due_date=seat.plan.group.end_date,
            assigned_to=seat.student.owner, status=ReminderStatus.PROCESSED, reminded_at=reminded,
            processed_at=reminded + 2 * DAY, processed_by_id=seat.student.owner_id,
            notes=ctx.pick(("家长确认本期结课后暂不续报", "已续报下一期，转入新班"))))
    return reminders


def _student_follow_ups(ctx: DemoContext, seats: list[Seat]) -> list[FollowUp]:
    rows = []
    for seat in seats:
        if not ctx.chance(0.25) or seat.plan.finished:
            continue
        for _ in range(ctx.rng.randint(1, 2)):
            day = max(seat.enrolled_on, ctx.days_ago(ctx.rng.randint(0, 30)))
            rows.append(FollowUp(
                student_id=seat.student.id, followed_at=ctx.office_time(day), user=seat.student.owner,
                method=ctx.weighted({FollowUpMethod.WECHAT: 6, FollowUpMethod.PHONE: 4}),
                content=ctx.pick(texts.STUDENT_FOLLOW_UPS).format(child=seat.student.name[1:], course=seat.plan.course),
            ))
    return rows


def build_service(ctx: DemoContext, seats: list[Seat]) -> None:
    db.session.add_all(_status_changes(ctx, seats))
    db.session.add_all(_reviews(ctx, seats))
    db.session.add_all(_reminders(ctx, seats))
    db.session.add_all(_student_follow_ups(ctx, seats))
    db.session.flush()
