"""Several devices marking one sheet at once: nothing lost, nothing counted twice.

Run it on every database: EDUFLOW_TEST_DATABASE_URL=postgresql+psycopg://… or mysql+pymysql://… (see tests/conftest.py).
"""
from __future__ import annotations

import random
import threading

from sqlalchemy import func, select

from eduflow.enrollments.ledger import balance
from eduflow.attendance.services import mark_all_present, mark_attendance
from eduflow.attendance.settlement import implied_effect
from eduflow.extensions import db
from eduflow.models import Attendance, AttendanceStatus, LessonLedgerEntry, Lesson, User

DEVICES = 4
ROUNDS = 3  # each device marks every student this many times, in its own order
STUDENTS = 6


def _device(app, lesson_id: int, user_id: int, plan: list, start: threading.Barrier, errors: list) -> None:
    """One tablet: its own app context and database session, tapping through its plan as fast as it can."""
    with app.app_context():
        try:
            lesson, by = db.session.get(Lesson, lesson_id), db.session.get(User, user_id)
            start.wait()
            for student_id, status in plan:
                if student_id is None:
                    mark_all_present(lesson, by=by)
                else:
                    mark_attendance(lesson, student_id, status, by=by)
                db.session.commit()
        except Exception as exc:  # noqa: BLE001 - reported by the test
            db.session.rollback()
            errors.append(exc)
        finally:
            db.session.remove()


def _plans(student_ids: list[int]) -> list[list]:
    plans = []
    for device in range(DEVICES):
        rng = random.Random(device)
        taps = [(sid, rng.choice(list(AttendanceStatus))) for _ in range(ROUNDS) for sid in student_ids]
        rng.shuffle(taps)
        taps.insert(len(taps) // 2, (None, None))  # and a 全部出勤 in the middle
        plans.append(taps)
    return plans


def test_devices_marking_one_sheet_at_once_leave_every_balance_equal_to_the_final_marks(app, users, lesson, group,
                                                                                      enroll_new):
    enrollments = [enroll_new(group, name=f"学员{n}") for n in range(STUDENTS)]
    start, errors = threading.Barrier(DEVICES), []
    threads = [threading.Thread(target=_device, args=(app, lesson.id, users["academic" if n % 2 else "teacher"].id,
                                                      plan, start, errors))
               for n, plan in enumerate(_plans([e.student_id for e in enrollments]))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    db.session.expire_all()
    deducting = {AttendanceStatus.PRESENT, AttendanceStatus.LATE, AttendanceStatus.ABSENT}
    for enrollment in enrollments:
        final = db.session.scalar(select(Attendance).where(Attendance.lesson_id == lesson.id,
                                                           Attendance.student_id == enrollment.student_id))
        taken = db.session.scalar(select(func.sum(LessonLedgerEntry.units))
                                  .where(LessonLedgerEntry.attendance_id == final.id)) or 0
        assert taken == implied_effect(final) == (-1 if final.status in deducting else 0)
        assert balance(enrollment.id) == 10 + taken
    assert db.session.scalar(select(func.count(Attendance.id)).where(Attendance.lesson_id == lesson.id)) == STUDENTS
