"""Seats in classes, then what the app writes for them: enrolments with payments, attendance marks for past
lessons, and the lesson ledger (purchase, gift, one debit per deducting mark split over the pools as
eduflow.enrollments.ledger splits it), so every balance is the sum of its enrolment's ledger rows."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from eduflow.enrollments.ledger import Pools, split_debit
from eduflow.benchdata.context import MINUTE, BenchContext
from eduflow.benchdata.teaching import lesson_end
from eduflow.models import (
    Attendance, AttendanceStatus, ContractStatus, Enrollment, EnrollmentStatus, LedgerKind, LedgerPool,
    LessonLedgerEntry, Payment, PaymentMethod, ReminderKind, ReminderStatus, RenewalReminder,
)

DEDUCTING = {AttendanceStatus.PRESENT, AttendanceStatus.LATE, AttendanceStatus.ABSENT}  # the default settings
MARKS = {AttendanceStatus.PRESENT: 85, AttendanceStatus.LATE: 5, AttendanceStatus.LEAVE: 6, AttendanceStatus.ABSENT: 4}
STATUS_WORDS = {AttendanceStatus.PRESENT: "出勤", AttendanceStatus.LATE: "迟到", AttendanceStatus.LEAVE: "请假",
                AttendanceStatus.ABSENT: "缺勤"}
METHODS = {PaymentMethod.WECHAT: 45, PaymentMethod.ALIPAY: 25, PaymentMethod.CARD: 20, PaymentMethod.CASH: 10}
SHEET_REMAINING = (20, 40)  # sheet students keep lessons for two weeks of daily 全部出勤
REMAINING = {-2: 1, -1: 1, 0: 2, 2: 4, 4: 4, 8: 20, 16: 30, 30: 38}  # closing balances of running classes


def plan_seats(ctx: BenchContext) -> None:
    """Fill each class's seats with students, then decide how many past lessons each seat attended so the
    campus holds its number of attendance marks."""
    students = ctx.students
    order = list(range(len(students)))
    ctx.rng.shuffle(order)
    cursor = 0
    for plan in ctx.classes:
        plan["seats"], taken = [], set()
        for _ in range(min(plan["size"], len(students))):
            while order[cursor % len(order)] in taken:
                cursor += 1
            index = order[cursor % len(order)]
            cursor += 1
            taken.add(index)
            plan["seats"].append({"student": students[index], "plan": plan, "active": not _finished(ctx, plan)})
    _give_sample_student_seats(ctx)
    _spread_marks(ctx)
    for plan in ctx.classes:
        for seat in plan["seats"]:
            seat["student"]["seats"].append(seat)
            _enrolled_on(ctx, seat)


def _finished(ctx: BenchContext, plan: dict) -> bool:
    return plan["lessons"][-1]["lesson_date"] < ctx.today


def _past(ctx: BenchContext, plan: dict) -> list[dict]:
    if "past" not in plan:
        plan["past"] = [lesson for lesson in plan["lessons"] if lesson["lesson_date"] < ctx.today]
    return plan["past"]


def _give_sample_student_seats(ctx: BenchContext) -> None:
    """The first student sits in the first sheet class and in two more (several enrolments to look at)."""
    first = ctx.students[0]
    for plan in ctx.classes[:1] + ctx.classes[-2:]:
        if all(seat["student"] is not first for seat in plan["seats"]) and plan["seats"]:
            plan["seats"][-1] = {"student": first, "plan": plan, "active": not _finished(ctx, plan)}


def _spread_marks(ctx: BenchContext) -> None:
    """Each seat attends the last `marks` past lessons; the totals add up to the campus's attendance count."""
    seats = [seat for plan in ctx.classes for seat in plan["seats"]]
    room = sum(len(_past(ctx, seat["plan"])) for seat in seats)
    share = min(1.0, ctx.size["attendance"] / room) if room else 0
    for seat in seats:
        most = len(_past(ctx, seat["plan"]))
        seat["marks"] = min(most, round(most * share * (0.6 + 0.8 * ctx.rng.random())))
    gap = min(ctx.size["attendance"], room) - sum(seat["marks"] for seat in seats)
    while gap:  # one mark more or less on random seats until the total is exact (always possible: gap ≤ room)
        seat = ctx.pick(seats)
        if gap > 0 and seat["marks"] < len(_past(ctx, seat["plan"])):
            seat["marks"], gap = seat["marks"] + 1, gap - 1
        elif gap < 0 and seat["marks"] > 0:
            seat["marks"], gap = seat["marks"] - 1, gap + 1


def _enrolled_on(ctx: BenchContext, seat: dict) -> None:
    past = _past(ctx, seat["plan"])
    attended = past[len(past) - seat["marks"]:] if seat["marks"] else []
    seat["attended"] = attended
    if attended:
        seat["enrolled_on"] = attended[0]["lesson_date"] - dt.timedelta(days=1 + int(ctx.rng.random() * 10))
    else:
        seat["enrolled_on"] = ctx.days_ago(1 + int(ctx.rng.random() * 6))


def build_enrollments(ctx: BenchContext) -> None:
    """Enrolments, payments, attendance and ledger rows, class by class (parents inserted before children)."""
    number = 0
    for plan in ctx.classes:
        for seat in plan["seats"]:
            number += 1
            _enroll(ctx, seat, number)
        ctx.rows.flush()


def _enroll(ctx: BenchContext, seat: dict, number: int) -> None:
    plan, student = seat["plan"], seat["student"]
    course = plan["course"]
    statuses = [ctx.weighted(MARKS) for _ in seat["attended"]]
    deducted = sum(course["units"] for status in statuses if status in DEDUCTING)
    remaining = _remaining(ctx, seat, deducted)
    gift = 0 if remaining < 0 or ctx.chance(0.6) else ctx.pick((2, 4))
    purchased = max(deducted + remaining - gift, 0)
    fee = (course["price"] * purchased / course["total_lessons"]).quantize(Decimal("1"))
    created = ctx.office_time(seat["enrolled_on"])
    method = ctx.weighted(METHODS)
    enrollment_id = ctx.ids.take(Enrollment.__table__)
    contract = f"BC{ctx.number:02d}{number:06d}"
    seat["enrollment_id"] = enrollment_id
    ctx.rows.add(Enrollment.__table__, {
        "id": enrollment_id, "student_id": student["id"], "course_id": course["id"], "class_id": plan["id"],
        "enrolled_on": seat["enrolled_on"], "total_fee": fee, "payment_method": method, "contract_no": contract,
        "contract_status": ContractStatus.SIGNED, "lessons_purchased": purchased, "gift_lessons": gift,
        "status": EnrollmentStatus.ACTIVE if seat["active"] else EnrollmentStatus.FINISHED,
        "created_by_id": student["owner_id"], "created_at": created, "updated_at": created})
    _pay(ctx, seat, enrollment_id, fee, method, created)
    held = _credit(ctx, seat, enrollment_id, contract, purchased, gift, created)
    for lesson, status in zip(seat["attended"], statuses):
        held = _mark(ctx, seat, enrollment_id, lesson, status, held)
    if held.total < 0:
        _owing_reminder(ctx, seat, enrollment_id, held.total)


def _remaining(ctx: BenchContext, seat: dict, deducted: int) -> int:
    """The balance the enrolment ends with: 0 for a finished class, plenty on a sheet, a spread otherwise."""
    if not seat["active"]:
        return 0
    if seat["plan"]["sheet"]:
        return SHEET_REMAINING[0] + int(ctx.rng.random() * (SHEET_REMAINING[1] - SHEET_REMAINING[0]))
    return max(ctx.weighted(REMAINING), -deducted)


def _pay(ctx: BenchContext, seat: dict, enrollment_id: int, fee: Decimal, method: PaymentMethod,
         created: dt.datetime) -> None:
    """Paid in full, in two parts, or (running classes) only a deposit so far (欠费)."""
    if fee <= 0:
        return
    paid_at = min(created + (5 + int(ctx.rng.random() * 35)) * MINUTE, ctx.now)
    parts = [(fee, "全款")]
    if seat["active"] and ctx.chance(0.1) and fee >= 1000:
        parts = [((fee * Decimal("0.4")).quantize(Decimal("1")), "定金")]
    elif ctx.chance(0.15) and fee > 2000:
        first = (fee / 2).quantize(Decimal("1"))
        parts = [(first, "首付"), (fee - first, "尾款")]
    for index, (amount, note) in enumerate(parts):
        when = min(paid_at + index * dt.timedelta(days=7 + int(ctx.rng.random() * 14)), ctx.now)
        ctx.rows.add(Payment.__table__, {
            "id": ctx.ids.take(Payment.__table__), "enrollment_id": enrollment_id, "amount": amount,
            "method": method, "paid_at": when, "is_refund": False, "note": note,
            "recorded_by_id": seat["student"]["owner_id"]})


def _ledger(ctx: BenchContext, seat: dict, enrollment_id: int, kind: LedgerKind, pool: LedgerPool, units: int,
            reason: str, by: int, at: dt.datetime, lesson: dict | None = None, attendance_id: int | None = None,
            status: AttendanceStatus | None = None) -> None:
    ctx.rows.add(LessonLedgerEntry.__table__, {
        "id": ctx.ids.take(LessonLedgerEntry.__table__), "enrollment_id": enrollment_id,
        "student_id": seat["student"]["id"], "kind": kind, "units": units, "pool": pool,
        "lesson_id": lesson["id"] if lesson else None, "attendance_id": attendance_id, "attendance_status": status,
        "reason": reason, "created_by_id": by, "created_at": at})


def _credit(ctx: BenchContext, seat: dict, enrollment_id: int, contract: str, purchased: int, gift: int,
            created: dt.datetime) -> Pools:
    """What enrolling posts: the bought lessons (a row even for none, as post_entry writes it) and any gift."""
    owner = seat["student"]["owner_id"]
    _ledger(ctx, seat, enrollment_id, LedgerKind.PURCHASE, LedgerPool.BOUGHT, purchased, f"报名 {contract}", owner,
            created)
    if gift:
        _ledger(ctx, seat, enrollment_id, LedgerKind.GIFT, LedgerPool.GIFT, gift, "赠送课时", owner, created)
    return Pools(bought=purchased, gift=gift)


def _mark(ctx: BenchContext, seat: dict, enrollment_id: int, lesson: dict, status: AttendanceStatus,
          held: Pools) -> Pools:
    """One mark by the class's teacher after the lesson, and its debit (bought lessons first)."""
    plan = seat["plan"]
    marked = min(lesson_end(ctx, lesson) + int(ctx.rng.random() * 30) * MINUTE, ctx.now)
    attendance_id = ctx.ids.take(Attendance.__table__)
    ctx.rows.add(Attendance.__table__, {
        "id": attendance_id, "lesson_id": lesson["id"], "student_id": seat["student"]["id"],
        "enrollment_id": enrollment_id, "status": status, "notes": "", "recorded_by_id": plan["teacher_id"],
        "version": 1, "created_at": marked, "updated_at": marked})
    if status not in DEDUCTING:
        return held
    parts = split_debit(held, lesson["units"])
    reason = f"考勤：{lesson['lesson_date'].isoformat()} {plan['name']} {STATUS_WORDS[status]}"
    for pool, units in parts:
        _ledger(ctx, seat, enrollment_id, LedgerKind.ATTENDANCE, pool, units, reason, plan["teacher_id"], marked,
                lesson, attendance_id, status)
    return held.after(parts)


def _owing_reminder(ctx: BenchContext, seat: dict, enrollment_id: int, remaining: int) -> None:
    """A mark into 欠课时 raises an urgent low-hours reminder for the student's owner, as the sheet does."""
    last = seat["attended"][-1]
    ctx.rows.add(RenewalReminder.__table__, {
        "id": ctx.ids.take(RenewalReminder.__table__), "student_id": seat["student"]["id"],
        "enrollment_id": enrollment_id, "kind": ReminderKind.LOW_HOURS, "trigger_value": str(remaining),
        "due_date": last["lesson_date"], "assigned_to_id": seat["student"]["owner_id"],
        "status": ReminderStatus.PENDING, "is_urgent": True, "reminded_at": lesson_end(ctx, last),
        "processed_at": None, "processed_by_id": None, "notes": ""})
