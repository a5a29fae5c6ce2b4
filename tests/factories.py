"""Records for tests, one builder per domain word, every field overridable by keyword.

    course = make_course()                                   # 少儿英语, 48 lessons, ¥4800
    group = make_class(course, campus, head=teacher)
    enrollment = enroll(make_student(campus, owner=sales), course, by=academic, group=group)

Where a rule applies the builder goes through the service (an enrolment through create_enrollment, so
the ledger and the first payment are real; users through create_user); plain records are written as
rows. Builders flush, never commit: the caller (a fixture, a matrix world) decides when to commit.
"""
from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

from eduflow.enrollments.creation import create_enrollment
from eduflow.enrollments.ledger import post_entry
from eduflow.extensions import db
from eduflow.models import (
    Attendance, AttendanceStatus, ClassGroup, Classroom, Course, LedgerKind, Lead, Lesson, PaymentMethod, Student,
    TrialLesson,
)

PASSWORD = "correct-horse-battery"
_numbers = itertools.count(1)


def _added(record):
    db.session.add(record)
    db.session.flush()
    return record


def _id(record) -> int | None:
    return record.id if record is not None else None


def make_course(name: str = "少儿英语", total_lessons: int = 48, price="4800", **fields) -> Course:
    """A course; `price` as a string or Decimal."""
    return _added(Course(name=name, total_lessons=total_lessons, price=Decimal(price), **fields))


def make_room(campus, name: str = "A101", seats: int = 12, **fields) -> Classroom:
    """A classroom on the campus."""
    return _added(Classroom(campus_id=campus.id, name=name, seats=seats, **fields))


def make_class(course, campus, *, name: str = "英语一班", head=None, capacity: int | None = 20, room=None,
               **fields) -> ClassGroup:
    """A class of the course on the campus, headed by `head` (a user) if given."""
    return _added(ClassGroup(name=name, course_id=course.id, campus_id=campus.id, head_teacher_id=_id(head),
                             classroom_id=_id(room), capacity=capacity, **fields))


def make_full_class(course, campus, *, by, name: str = "满班") -> ClassGroup:
    """A class of one seat, already taken by 先来的 (enrolled by `by`)."""
    group = make_class(course, campus, name=name, capacity=1)
    enroll(make_student(campus, name="先来的"), course, by=by, group=group)
    return group


def make_lesson(group, day: dt.date, *, start: dt.time = dt.time(9), minutes: int = 60, end: dt.time | None = None,
                teacher=None, room=None, units: int = 1, **fields) -> Lesson:
    """A lesson of the class on `day` from `start`, for `minutes` unless an `end` is given, taught by `teacher`."""
    end = end or (dt.datetime.combine(day, start) + dt.timedelta(minutes=minutes)).time()
    return _added(Lesson(class_id=group.id, lesson_date=day, start_time=start, end_time=end,
                         teacher_id=_id(teacher), classroom_id=_id(room), units=units, **fields))


def make_lead(campus, *, name: str = "张三", owner=None, phone: str | None = None, **fields) -> Lead:
    """A lead on the campus, owned by `owner` (a user; None: in the pool)."""
    lead = Lead(name=name, campus_id=campus.id, owner_id=_id(owner), **fields)
    if phone:
        lead.phone = phone
    return _added(lead)


def make_leads(campus, *specs, owner=None, phone: str | None = None) -> list[Lead]:
    """Leads on the campus, one per (name, stage, fields) spec, all owned by `owner` and carrying `phone`."""
    return [make_lead(campus, name=name, owner=owner, phone=phone, stage=stage, **fields)
            for name, stage, fields in specs]


def make_student(campus, *, name: str = "王小明", owner=None, **fields) -> Student:
    """A student row on the campus, owned by `owner` (a user); no parent (students.services adds those)."""
    return _added(Student(name=name, campus_id=campus.id, owner_id=_id(owner), **fields))


def make_mark(lesson, student, status: AttendanceStatus = AttendanceStatus.PRESENT, *, enrollment=None, by=None,
              **fields) -> Attendance:
    """The student's attendance mark at the lesson (present unless told), recorded by `by`; a plain row, the
    ledger untouched (mark_and_debit debits it)."""
    return _added(Attendance(lesson_id=lesson.id, student_id=student.id, enrollment_id=_id(enrollment),
                             status=status, recorded_by_id=_id(by), **fields))


def mark_and_debit(lesson, enrollment, status: AttendanceStatus = AttendanceStatus.PRESENT, *, by, units: int = 1,
                   reason: str = "出勤扣课") -> Attendance:
    """Mark the enrolment's student at the lesson and debit `units` lessons from its ledger, as the sheet does."""
    mark = _added(Attendance(lesson_id=lesson.id, student_id=enrollment.student_id, enrollment_id=enrollment.id,
                             status=status, recorded_by_id=_id(by)))
    post_entry(enrollment, LedgerKind.ATTENDANCE, -units, by=by, reason=reason, lesson_id=lesson.id,
               attendance_id=mark.id)
    return mark


def make_trial(lead, lesson, **fields) -> TrialLesson:
    """A trial (试听) of the lead booked into the lesson."""
    return _added(TrialLesson(lead_id=lead.id, lesson_id=lesson.id, **fields))


def contract_number(prefix: str = "HT") -> str:
    """A contract number no other test record uses."""
    return f"{prefix}-{next(_numbers):05d}"


def enroll(student, course, *, by, group=None, lessons: int = 20, gift: int = 0, fee="3000", paid="0",
           contract_no: str | None = None, **fields):
    """Enrol through create_enrollment: purchase and gift credited in the ledger, `paid` paid by WeChat."""
    paid = Decimal(paid)
    return create_enrollment(student, course, by=by, contract_no=contract_no or contract_number(),
                             total_fee=Decimal(fee), lessons_purchased=lessons, gift_lessons=gift,
                             class_group=group, paid_amount=paid,
                             payment_method=PaymentMethod.WECHAT if paid else None, **fields)


def make_user(username: str, role, campus=None, *, display_name: str | None = None, password: str = PASSWORD):
    """A user through the admin service (password policy and audit included)."""
    from eduflow.admin.services import create_user

    return create_user(username=username, display_name=display_name or username.title(), role=role,
                       campus=campus, password=password)


def make_campuses():
    """The school's reference data and two campuses, 一校区 and 二校区."""
    from eduflow.models import Campus
    from eduflow.reference import ensure_reference_data

    ensure_reference_data()
    return _added(Campus(name="一校区", address="人民路 1 号")), _added(Campus(name="二校区", address="解放路 2 号"))


STAFF = {  # user key → (role name, campus index or None)
    "admin": ("ADMIN", None), "manager": ("MANAGER", 0), "sales": ("SALES", 0), "sales2": ("SALES", 0),
    "academic": ("ACADEMIC", 0), "teacher": ("TEACHER", 0), "manager_b": ("MANAGER", 1), "sales_b": ("SALES", 1),
    "teacher_b": ("TEACHER", 1),
}


def make_staff(campuses) -> dict:
    """One user per role on the first campus, a second salesperson, and the second campus's staff."""
    from eduflow.models import Role

    return {key: make_user(key, Role[role], campuses[campus] if campus is not None else None)
            for key, (role, campus) in STAFF.items()}


PARENT_PHONE = "13912345678"


def make_parent(student, *, name: str = "王妈妈", phone: str = PARENT_PHONE, relationship: str = "母亲",
                is_primary: bool = True, **fields):
    """A Parent row of the student (the primary one unless told), carrying `phone`."""
    from eduflow.models import Parent

    parent = Parent(student_id=student.id, name=name, relationship_=relationship, is_primary=is_primary,
                    **fields)
    parent.phone = phone
    return _added(parent)


def make_parent_account(phone: str = PARENT_PHONE, *, password: str = PASSWORD, **fields):
    """A parent account (家长端) for `phone`: it sees the students whose Parent rows carry that number."""
    from eduflow.models import ParentAccount
    from eduflow.parents.accounts import new_session_token
    from eduflow.security.passwords import hash_password

    account = ParentAccount(password_hash=hash_password(password), session_token=new_session_token(), **fields)
    account.phone = phone
    return _added(account)
