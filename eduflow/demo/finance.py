"""Enrolments with contracts and payments, attendance for past lessons, and the lesson ledger."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from eduflow.enrollments.ledger import Pools, split_debit
from eduflow.demo.context import DemoContext
from eduflow.demo.teaching import ClassPlan, lesson_end
from eduflow.extensions import db
from eduflow.system_texts import coded
from eduflow.models import (
    Attendance, AttendanceStatus, ContractStatus, Enrollment, EnrollmentStatus, LedgerKind, LedgerPool,
    LessonLedgerEntry, Payment, PaymentMethod, Student, StudentStatus,
)

DEDUCTING = {AttendanceStatus.PRESENT, AttendanceStatus.LATE, AttendanceStatus.ABSENT}
ATTENDANCE_WEIGHTS = {AttendanceStatus.PRESENT: 85, AttendanceStatus.LATE: 5, AttendanceStatus.LEAVE: 6,
                      AttendanceStatus.ABSENT: 4}
ATTENDANCE_NOTES = {AttendanceStatus.PRESENT: ("",), AttendanceStatus.LATE: ("迟到 10 分钟", "堵车迟到 15 分钟"),
                    AttendanceStatus.LEAVE: ("家长提前请假", "生病请假", "校内活动请假"),
                    AttendanceStatus.ABSENT: ("未到，已电话联系家长", "未请假缺课")}
METHOD_WEIGHTS = {PaymentMethod.WECHAT: 45, PaymentMethod.ALIPAY: 25, PaymentMethod.CARD: 20, PaymentMethod.CASH: 10}
LOW_BALANCE_TARGETS = (-2, -1, 0, 2, 4)  # a few families who need to renew (欠课时 in red)
DAY = dt.timedelta(days=1)


@dataclass
class Seat:
    """One enrolment being planned: who, which class, from when, and what happened since."""

    student: Student
    plan: ClassPlan
    enrolled_on: dt.date
    stop_on: dt.date | None = None  # suspended from this day on
    target: int | None = None  # wanted closing balance (renewal packs, finished classes)
    marks: list = field(default_factory=list)  # (lesson, status)
    enrollment: Enrollment | None = None
    balance: int = 0

    @property
    def deducted(self) -> int:
        return sum(lesson.units for lesson, status in self.marks if status in DEDUCTING)


def _allocate(ctx: DemoContext) -> list[Seat]:
    seats: list[Seat] = []
    taken: dict[int, int] = {}
    joined: dict[int, list[ClassPlan]] = {}

    def join(student: Student, plan: ClassPlan, on: dt.date) -> Seat | None:
        mine = joined.setdefault(id(student), [])
        if taken.get(id(plan), 0) >= plan.capacity or plan in mine or any(plan.clashes_with(p) for p in mine):
            return None
        taken[id(plan)] = taken.get(id(plan), 0) + 1
        mine.append(plan)
        seats.append(Seat(student, plan, min(on, ctx.days_ago(1))))
        return seats[-1]

    for campus_index, students in ctx.students.items():
        plans = [plan for plan in ctx.classes if plan.campus_index == campus_index]
        current = [plan for plan in plans if not plan.finished]
        graduates: set[int] = set()
        for plan in (plan for plan in plans if plan.finished):
            start = plan.group.start_date
            alumni = [s for s in students if "converted" not in ctx.student_meta[id(s)]
                      and ctx.local(ctx.student_meta[id(s)]["since"]).date() < start - 20 * DAY]
            for index, student in enumerate(ctx.rng.sample(alumni, min(9, len(alumni)))):
                seat = join(student, plan, start - ctx.rng.randint(3, 20) * DAY)
                if seat and index < 4:
                    graduates.add(id(student))
        for student in students:
            meta = ctx.student_meta[id(student)]
            if id(student) in graduates:
                student.status = StudentStatus.GRADUATED
                continue
            if "converted" in meta:
                on = ctx.local(meta["converted"]).date()
                wanted = [p for p in current if p.course == meta["courses"][0]] + ctx.rng.sample(current, len(current))
                next(filter(None, (join(student, plan, on) for plan in wanted)), None)
                continue
            since = ctx.local(meta["since"]).date()
            for plan in ctx.rng.sample(current, len(current))[:1 if ctx.chance(0.7) else 2]:
                start = plan.group.start_date
                if start > ctx.today:
                    on = ctx.days_ago(ctx.rng.randint(1, 20))
                else:
                    on = start + ctx.rng.randint(-20, 14) * DAY
                join(student, plan, max(on, since))
    return seats


def _mark_attendance(ctx: DemoContext, seats: list[Seat]) -> None:
    by_student: dict[int, list[Seat]] = {}
    for seat in seats:
        by_student.setdefault(id(seat.student), []).append(seat)
    for campus_index in ctx.students:  # one family per campus took a break (休学) a week or two ago
        candidates = [group[0] for group in by_student.values() if len(group) == 1
                      and group[0].plan.campus_index == campus_index and not group[0].plan.finished
                      and group[0].plan.group.start_date <= ctx.days_ago(28)
                      and group[0].enrolled_on <= ctx.days_ago(28) and "converted" not in
                      ctx.student_meta[id(group[0].student)]]
        if candidates:
            seat = ctx.pick(candidates)
            seat.stop_on = ctx.days_ago(ctx.rng.randint(8, 16))
            seat.student.status, seat.student.suspended_from = StudentStatus.SUSPENDED, seat.stop_on
            ctx.student_meta[id(seat.student)]["suspended_on"] = seat.stop_on
    for seat in seats:
        for lesson in ctx.lessons[seat.plan.group.id]:
            if seat.enrolled_on <= lesson.lesson_date < min(seat.stop_on or ctx.today, ctx.today):
                seat.marks.append((lesson, ctx.weighted(ATTENDANCE_WEIGHTS)))
    for seat in seats:
        if seat.plan.finished:
            seat.target = 0
    running = [s for s in seats if not s.plan.finished and s.stop_on is None and s.deducted >= 8]
    running.sort(key=lambda s: -s.deducted)
    for seat, target in zip(ctx.rng.sample(running[:20], min(len(LOW_BALANCE_TARGETS), len(running[:20]))),
                            LOW_BALANCE_TARGETS):
        seat.target = target


def _payments(ctx: DemoContext, seat: Seat, fee: Decimal, method: PaymentMethod, owner) -> list[Payment]:
    paid_at = min(seat.enrollment.created_at + dt.timedelta(minutes=ctx.rng.randint(5, 40)), ctx.now)
    if fee <= 0:
        return []
    if not seat.plan.finished and ctx.chance(0.15):  # 欠费: only a deposit so far
        deposit = max((fee * Decimal(ctx.rng.randint(3, 6)) / 10).quantize(Decimal("1E2")), Decimal("500"))
        if deposit < fee:
            return [Payment(amount=deposit, method=method, paid_at=paid_at, note="定金", recorded_by=owner)]
    if ctx.chance(0.2) and fee > 2000:
        first = (fee / 2).quantize(Decimal("1"))
        later = min(paid_at + ctx.rng.randint(7, 20) * DAY, ctx.now)
        return [Payment(amount=first, method=method, paid_at=paid_at, note="首付", recorded_by=owner),
                Payment(amount=fee - first, method=ctx.weighted(METHOD_WEIGHTS), paid_at=later, note="尾款",
                        recorded_by=owner)]
    return [Payment(amount=fee, method=method, paid_at=paid_at, note="全款", recorded_by=owner)]


def build_enrollments(ctx: DemoContext) -> list[Seat]:
    seats = _allocate(ctx)
    _mark_attendance(ctx, seats)
    seats.sort(key=lambda s: (s.enrolled_on, s.student.name))
    attendance_rows = []
    for number, seat in enumerate(seats, start=1):
        course = ctx.courses[seat.plan.course]
        owner = seat.student.owner
        if seat.target is not None:
            purchased, gift = max(seat.deducted + seat.target, 0), 0
        else:
            purchased = ctx.weighted({course.total_lessons: 6, course.total_lessons // 2: 3,
                                      course.total_lessons * 2: 1})
            gift = ctx.weighted({0: 6, 2: 2, 4: 2})
        fee = (course.price * purchased / course.total_lessons).quantize(Decimal("1"))
        if ctx.chance(0.15):
            fee = (fee * Decimal("0.95")).quantize(Decimal("1"))  # 老带新 / 早鸟 95 折
        method = ctx.weighted(METHOD_WEIGHTS)
        created = ctx.office_time(seat.enrolled_on)
        recent = seat.enrolled_on >= ctx.days_ago(3)
        seat.enrollment = Enrollment(
            student=seat.student, course=course, class_group=seat.plan.group, enrolled_on=seat.enrolled_on,
            total_fee=fee, payment_method=method, contract_no=f"HT{seat.enrolled_on.year}{number:04d}",
            contract_status=ContractStatus.UNSIGNED if recent and ctx.chance(0.6) else ContractStatus.SIGNED,
            lessons_purchased=purchased, gift_lessons=gift, created_by=owner, created_at=created, updated_at=created,
            status=EnrollmentStatus.FINISHED if seat.plan.finished else EnrollmentStatus.ACTIVE,
        )
        seat.enrollment.payments = _payments(ctx, seat, fee, method, owner)
        seat.balance = purchased + gift - seat.deducted
        teacher = seat.plan.group.head_teacher
        for lesson, status in seat.marks:
            marked = min(lesson_end(ctx, lesson) + dt.timedelta(minutes=ctx.rng.randint(0, 30)), ctx.now)
            attendance_rows.append(Attendance(
                lesson=lesson, student=seat.student, enrollment=seat.enrollment, status=status,
                notes=ctx.pick(ATTENDANCE_NOTES[status]), recorded_by=teacher, created_at=marked, updated_at=marked))
    db.session.add_all(seat.enrollment for seat in seats)
    db.session.add_all(attendance_rows)
    db.session.flush()

    ledger = []
    for seat in seats:
        enrollment = seat.enrollment
        common = {"enrollment_id": enrollment.id, "student_id": seat.student.id}
        ledger.append(LessonLedgerEntry(
            **common, kind=LedgerKind.PURCHASE, units=enrollment.lessons_purchased,
            # the sentences the app's own services write, as codes: each reader sees them in their language
            reason=coded("enrol" if seat.target is None or seat.plan.finished else "renewal", no=enrollment.contract_no),
            created_by_id=enrollment.created_by_id, created_at=enrollment.created_at))
        if enrollment.gift_lessons:
            ledger.append(LessonLedgerEntry(**common, kind=LedgerKind.GIFT, units=enrollment.gift_lessons,
                                            pool=LedgerPool.GIFT, reason=coded("gift"), created_by_id=enrollment.created_by_id,
                                            created_at=enrollment.created_at))
    held = {seat.enrollment.id: Pools(seat.enrollment.lessons_purchased, seat.enrollment.gift_lessons)
            for seat in seats}
    for row in attendance_rows:  # each seat's marks in date order: bought lessons first, as the ledger draws them
        if row.status in DEDUCTING:
            lesson = row.lesson
            parts = split_debit(held[row.enrollment_id], lesson.units)
            held[row.enrollment_id] = held[row.enrollment_id].after(parts)
            ledger.extend(LessonLedgerEntry(
                enrollment_id=row.enrollment_id, student_id=row.student_id, kind=LedgerKind.ATTENDANCE, pool=pool,
                units=units, lesson_id=lesson.id, attendance_id=row.id, attendance_status=row.status,
                reason=coded("attendance", where=f"{lesson.lesson_date.isoformat()} {lesson.class_group.name}",
                             status=coded(row.status.value)),
                created_by_id=row.recorded_by_id, created_at=row.created_at) for pool, units in parts)
    db.session.add_all(ledger)
    db.session.flush()
    return seats
