"""The school reports' daily rollups (eduflow.models.rollups_school), kept in the same transaction as every mark,
ledger row and payment they count.

Two ways in, both adding increments with one upsert (two requests counting into one row both count):

- the attendance sheet writes its marks and ledger rows as Core statements (eduflow/attendance/writes.py): it
  gathers their increments with `count_mark` / `count_units` and sends them with `send`, one statement;
- any write through the ORM (a mark or ledger row, a lesson moved to another day, class or teacher, a student
  moved to another campus or deleted, a payment or refund, an enrolment moved to another student) is seen by the
  session: before the flush, the affected lessons' and
  students' share of the rollup is read from the raw rows (their rows locked first, outside SQLite), after it the
  share is read again, and the rollups move by the difference. A flush touching none of them sends nothing.

A payment's school day is worked out here (school_day_of: the boundary ReportScope.during uses), so the money
report reads whole days.
"""
from __future__ import annotations

from collections import Counter

from sqlalchemy import Integer, case, delete, event, func, insert, literal, or_, select, union_all
from sqlalchemy.orm import Session, attributes

from eduflow.extensions import db
from eduflow.locks import lock_rows
from eduflow.models import Attendance, Enrollment, Lesson, LessonDay, LessonLedgerEntry, Payment, PaymentDay, Student
from eduflow.models.rollups import NOBODY
from eduflow.models.rollups_school import STATUS_FIGURES, UNITS
from eduflow.rollups.store import chunks, put, school_day_of

KEY = ("day", "class_id", "teacher_id", "campus_id", "figure")
PAYMENT_KEY = ("day", "campus_id", "refund")
INFO_KEY = "school_rollups"
LESSON_ATTRS = ("lesson_date", "class_id", "teacher_id")
STUDENT_ATTRS = ("campus_id", "deleted_at")
MARK_ATTRS = ("lesson_id", "status")
ENTRY_ATTRS = ("lesson_id", "student_id", "units", "attendance_id")
PAYMENT_ATTRS = ("enrollment_id", "amount", "paid_at", "is_refund")


# --- Increments of the Core writes -------------------------------------------------------------------------------

def _lesson_key(lesson: Lesson) -> tuple:
    return lesson.lesson_date, lesson.class_id, lesson.teacher_id or NOBODY


def _campus_of(student: Student) -> int:
    return student.campus_id if student.deleted_at is None else NOBODY


def count_mark(delta: Counter, lesson_id: int, status, n: int = 1) -> None:
    """A mark of this status added (n=1) or taken away (n=-1); the lesson is the session's (already loaded)."""
    delta[(*_lesson_key(db.session.get(Lesson, lesson_id)), NOBODY, STATUS_FIGURES[status])] += n


def count_units(delta: Counter, lesson_id: int | None, student_id: int, units: int) -> None:
    """Units an attendance row of the ledger moved (the lesson and the student are the session's)."""
    if lesson_id is None:
        return
    campus = _campus_of(db.session.get(Student, student_id))
    delta[(*_lesson_key(db.session.get(Lesson, lesson_id)), campus, UNITS)] += units


def send(delta: Counter) -> None:
    """The increments in one upsert (nothing when they cancel out)."""
    _upsert(db.session.connection(), delta)


def _upsert(conn, delta: Counter) -> None:
    rows = [dict(zip(KEY, key), total=n) for key, n in sorted(delta.items(), key=lambda item: repr(item[0])) if n]
    for chunk in chunks(rows, 500):
        put(conn, LessonDay, KEY, chunk, lambda target, new: {"total": target.c.total + new.total})


def _upsert_money(conn, delta: Counter) -> None:
    rows = [dict(zip(PAYMENT_KEY, key), amount=n) for key, n in sorted(delta.items()) if n]
    for chunk in chunks(rows, 500):
        put(conn, PaymentDay, PAYMENT_KEY, chunk, lambda target, new: {"amount": target.c.amount + new.amount})


# --- Shares of lessons and students, from the raw rows -----------------------------------------------------------

def _figure(status_column):
    return case(*[(status_column == status, n) for status, n in STATUS_FIGURES.items()], else_=-1)


def _raw_rows(lessons=None, students=None):
    """LessonDay's figures from the raw rows: of every lesson, or of these lessons' marks and units and of these
    students' units."""
    day, class_id, teacher = Lesson.lesson_date, Lesson.class_id, func.coalesce(Lesson.teacher_id, NOBODY)
    marks = (select(day.label("day"), class_id.label("class_id"), teacher.label("teacher_id"),
                    literal(NOBODY, Integer).label("campus_id"), _figure(Attendance.status).label("figure"),
                    literal(1, Integer).label("n"))
             .select_from(Attendance).join(Lesson, Lesson.id == Attendance.lesson_id))
    campus = case((Student.deleted_at.is_(None), Student.campus_id), else_=NOBODY)
    units = (select(day, class_id, teacher, campus, literal(UNITS, Integer), LessonLedgerEntry.units)
             .select_from(LessonLedgerEntry).join(Lesson, Lesson.id == LessonLedgerEntry.lesson_id)
             .join(Student, Student.id == LessonLedgerEntry.student_id)
             .where(LessonLedgerEntry.attendance_id.is_not(None)))
    if lessons is not None or students is not None:
        marks = marks.where(Attendance.lesson_id.in_(sorted(lessons or ())))
        units = units.where(or_(LessonLedgerEntry.lesson_id.in_(sorted(lessons or ())),
                                LessonLedgerEntry.student_id.in_(sorted(students or ()))))
    rows = union_all(marks, units).subquery()
    keys = [rows.c[name] for name in KEY]
    return select(*keys, func.sum(rows.c.n)).group_by(*keys)


def _share(conn, lessons: set, students: set) -> Counter:
    share: Counter = Counter()
    if not lessons and not students:
        return share
    for row in conn.execute(_raw_rows(lessons, students)):
        share[tuple(row[:5])] += int(row[5])
    return share


def _payment_rows(payments=None, enrollments=None, students=None):
    """(paid_at, campus, refund, amount) of every payment, or of these payments and those of these enrolments
    and students."""
    campus = case((Student.deleted_at.is_(None), Student.campus_id), else_=NOBODY)
    query = (select(Payment.paid_at, campus, Payment.is_refund, Payment.amount)
             .join(Enrollment, Enrollment.id == Payment.enrollment_id).join(Student, Student.id == Enrollment.student_id))
    if payments is not None:
        query = query.where(or_(Payment.id.in_(sorted(payments)), Payment.enrollment_id.in_(sorted(enrollments)),
                                Enrollment.student_id.in_(sorted(students))))
    return query


def _money_share(conn, payments=None, enrollments=None, students=None) -> Counter:
    """PaymentDay's amounts (in yuan) of these payments (None: of every payment)."""
    share: Counter = Counter()
    if payments is not None and not (payments or enrollments or students):
        return share
    for paid_at, campus, refund, amount in conn.execute(_payment_rows(payments, enrollments, students)):
        share[(school_day_of(paid_at), campus, int(bool(refund)))] += amount
    return share


# --- The session's flushes ---------------------------------------------------------------------------------------

def _old(obj, name):
    history = attributes.get_history(obj, name)
    return history.deleted[0] if history.deleted else getattr(obj, name)


def _changed(obj, names) -> bool:
    return any(attributes.get_history(obj, name).has_changes() for name in names)


def _id_of(obj, column: str, relation: str):
    """The id a row refers to, also when it was set through the relationship only (never loaded here): known
    before the flush, so the parent's share read before it is the whole of it."""
    value = getattr(obj, column)
    if value is None:
        value = getattr(obj.__dict__.get(relation), "id", None)
    return value


def _touched(session: Session) -> tuple[set, set, set, set]:
    lessons, students, payments, enrollments = set(), set(), set(), set()
    new, deleted = set(session.new), set(session.deleted)
    for obj in [*session.new, *session.dirty, *session.deleted]:
        fresh, gone = obj in new, obj in deleted
        if isinstance(obj, (Attendance, LessonLedgerEntry)):
            if fresh or gone or _changed(obj, MARK_ATTRS if isinstance(obj, Attendance) else ENTRY_ATTRS):
                lessons.update((_id_of(obj, "lesson_id", "lesson"), _old(obj, "lesson_id")))
                if isinstance(obj, LessonLedgerEntry) and not fresh:
                    students.add(_old(obj, "student_id"))
        elif isinstance(obj, Lesson) and not fresh and (gone or _changed(obj, LESSON_ATTRS)):
            lessons.add(obj.id)
        elif isinstance(obj, Student) and not fresh and (gone or _changed(obj, STUDENT_ATTRS)):
            students.add(obj.id)
        elif isinstance(obj, Payment) and (fresh or gone or _changed(obj, PAYMENT_ATTRS)):
            payments.add(obj.id)
            enrollments.update((_id_of(obj, "enrollment_id", "enrollment"), _old(obj, "enrollment_id")))
        elif isinstance(obj, Enrollment) and not fresh and (gone or _changed(obj, ("student_id",))):
            enrollments.add(obj.id)
    for ids in (lessons, students, payments, enrollments):
        ids.discard(None)
    return lessons, students, payments, enrollments


@event.listens_for(Session, "before_flush")
def _before_flush(session: Session, _context, _instances) -> None:
    session.info.pop(INFO_KEY, None)
    if not session.info.get("keep_rollups", True):
        return
    touched = _touched(session)
    if not any(touched):
        session.info[INFO_KEY] = (touched, Counter(), Counter())
        return
    lessons, students, payments, enrollments = touched
    conn = session.connection()
    for model, ids in ((Lesson, lessons), (Student, students), (Enrollment, enrollments)):
        lock_rows(model, ids, on=conn)
    session.info[INFO_KEY] = (touched, _share(conn, lessons, students),
                              _money_share(conn, payments, enrollments, students))


@event.listens_for(Session, "after_flush")
def _after_flush(session: Session, _context) -> None:
    if INFO_KEY not in session.info:
        return
    touched, before, money_before = session.info.pop(INFO_KEY)
    lessons, students, payments, enrollments = (a | b for a, b in zip(touched, _touched(session)))
    if not (lessons or students or payments or enrollments):
        return
    conn = session.connection()
    after = _share(conn, lessons, students)
    after.subtract(before)
    _upsert(conn, after)
    money = _money_share(conn, payments, enrollments, students)
    money.subtract(money_before)
    _upsert_money(conn, money)


# --- Rebuild and verify ------------------------------------------------------------------------------------------

def rebuild() -> None:
    """Recompute the rollups from the raw rows (the lesson days in one INSERT … SELECT, the payments' school days
    in one pass over them); the caller commits."""
    db.session.execute(delete(LessonDay))
    db.session.execute(insert(LessonDay).from_select([*KEY, "total"], _raw_rows()))
    db.session.execute(delete(PaymentDay))
    _upsert_money(db.session.connection(), _money_share(db.session.connection()))


def differences() -> list[str]:
    """Every rollup figure that disagrees with the raw rows (empty: the rollups are right)."""
    raw = {tuple(row[:5]): int(row[5]) for row in db.session.execute(_raw_rows())}
    table = LessonDay.__table__
    kept = {tuple(row[:5]): int(row[5]) for row in db.session.execute(
        select(*[table.c[name] for name in KEY], table.c.total).where(table.c.total != 0))}
    found = _compare(LessonDay, KEY, raw, kept)
    money = PaymentDay.__table__
    kept = {tuple(row[:3]): row[3] for row in db.session.execute(
        select(*[money.c[name] for name in PAYMENT_KEY], money.c.amount).where(money.c.amount != 0))}
    return found + _compare(PaymentDay, PAYMENT_KEY, _money_share(db.session.connection()), kept)


def _compare(model, key, raw: dict, kept: dict) -> list[str]:
    raw = {k: n for k, n in raw.items() if n}
    return [f"{model.__tablename__} {dict(zip(key, k))}: rollup {kept.get(k, 0)}, raw rows {raw.get(k, 0)}"
            for k in sorted(raw.keys() | kept.keys(), key=repr) if raw.get(k, 0) != kept.get(k, 0)]
