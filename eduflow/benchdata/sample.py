"""What a benchmark needs from a loaded campus, read back from the database alone (so a saved one is reusable)."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import exists, func, select

from eduflow.access import accounts_with
from eduflow.extensions import db
from eduflow.i18n import school_today
from eduflow.models import (
    Attendance, Campus, ClassGroup, Enrollment, EnrollmentStatus, FollowUp, Lead, LeadStage, Lesson, Payment, Role,
    Student, User,
)

OPEN_STAGES = (LeadStage.NEW, LeadStage.CONTACTED, LeadStage.INTENT, LeadStage.PENDING)
MOVABLE, SHEETS = 100, 40


@dataclass(frozen=True)
class Sample:
    campus_id: int
    admin: str
    manager: str
    sales: str
    academic: str
    teacher: str  # teaches today's sheet lessons
    busy_lead_id: int  # owned by `sales`, with the most follow-ups (2,000 at scale 1)
    movable_lead_ids: list[int]  # open-stage leads owned by `sales` (for card moves)
    student_id: int  # a student with several enrolments, ledger rows and payments
    enrollment_id: int  # one of that student's enrolments
    class_id: int  # a class of 40 students
    sheet_lesson_ids: list[int]  # unmarked lessons dated today in classes of 40, taught by `teacher`


def sample(campus_id: int | None = None) -> Sample:
    """The sample of a benchmark campus (default: the first one loaded)."""
    from eduflow.benchdata.load import CAMPUS_PREFIX

    if campus_id is None:
        campus_id = db.session.scalar(select(func.min(Campus.id)).where(Campus.name.startswith(CAMPUS_PREFIX)))
    if campus_id is None:
        raise LookupError("no benchmark campus in this database: run `flask --app eduflow bench-data` first")
    sales = _staff(campus_id, Role.SALES)
    teacher = _staff(campus_id, Role.TEACHER)
    busy = db.session.execute(
        select(FollowUp.lead_id).join(Lead, Lead.id == FollowUp.lead_id)
        .where(FollowUp.user_id == sales.id, Lead.owner_id == sales.id)
        .group_by(FollowUp.lead_id).order_by(func.count().desc(), FollowUp.lead_id).limit(1)).scalar_one()
    student_id, enrollment_id = _student(campus_id)
    sheets = _sheet_lessons(teacher.id)
    return Sample(
        campus_id=campus_id,
        admin=db.session.scalar(select(User.username).where(accounts_with(Role.ADMIN),
                                                              User.username.startswith("bench-"))
                                .order_by(User.id).limit(1)),
        manager=_staff(campus_id, Role.MANAGER).username, sales=sales.username,
        academic=_staff(campus_id, Role.ACADEMIC).username, teacher=teacher.username, busy_lead_id=busy,
        movable_lead_ids=list(db.session.scalars(
            select(Lead.id).where(Lead.owner_id == sales.id, Lead.stage.in_(OPEN_STAGES), Lead.id != busy,
                                  Lead.deleted_at.is_(None)).order_by(Lead.id).limit(MOVABLE))),
        student_id=student_id, enrollment_id=enrollment_id,
        class_id=_big_class(campus_id), sheet_lesson_ids=sheets)


def _staff(campus_id: int, role: Role):
    """The campus's first benchmark account of a role (sales01, teacher01 …): its id and username."""
    return db.session.execute(select(User.id, User.username).where(User.campus_id == campus_id, accounts_with(role),
                                                                   User.username.startswith("bench-"))
                              .order_by(User.username).limit(1)).one()


def _student(campus_id: int) -> tuple[int, int]:
    """The student with the most enrolments, and their first enrolment that has a payment."""
    student_id = db.session.execute(
        select(Enrollment.student_id).join(Student, Student.id == Enrollment.student_id)
        .where(Student.campus_id == campus_id).group_by(Enrollment.student_id)
        .order_by(func.count().desc(), Enrollment.student_id).limit(1)).scalar_one()
    paid = exists().where(Payment.enrollment_id == Enrollment.id)
    enrollment_id = db.session.scalar(select(Enrollment.id).where(Enrollment.student_id == student_id)
                                      .order_by(paid.desc(), Enrollment.id).limit(1))
    return student_id, enrollment_id


def _big_class(campus_id: int) -> int:
    """The campus's class with the most active enrolments (40 on a full campus)."""
    return db.session.execute(
        select(ClassGroup.id).join(Enrollment, Enrollment.class_id == ClassGroup.id)
        .where(ClassGroup.campus_id == campus_id, Enrollment.status == EnrollmentStatus.ACTIVE)
        .group_by(ClassGroup.id).order_by(func.count().desc(), ClassGroup.id).limit(1)).scalar_one()


def _sheet_lessons(teacher_id: int) -> list[int]:
    """The teacher's lessons today nobody has marked yet, in the order of the day."""
    marked = exists().where(Attendance.lesson_id == Lesson.id)
    return list(db.session.scalars(
        select(Lesson.id).where(Lesson.teacher_id == teacher_id, Lesson.lesson_date == school_today(), ~marked)
        .order_by(Lesson.start_time, Lesson.id).limit(SHEETS)))
