"""补课: a student marked 请假/缺勤 is booked into another lesson of the same course; attending it is paid for
once (see settlement.implied_effect). Not into a lesson the student is suspended (休学) on."""
from __future__ import annotations

import datetime as dt

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from eduflow.attendance.roster import OPEN_MAKEUPS
from eduflow.attendance.services import StudentSuspended, school_today
from eduflow.attendance.settlement import MISSED, fresh, makeup_into
from eduflow.domain import DomainError, StaleRecord
from eduflow.enrollments.services import lock_enrollment
from eduflow.extensions import db
from eduflow.models import Attendance, Enrollment, EnrollmentStatus, Lesson, Makeup, MakeupStatus, Student, User


def _check_makeup_target(lesson: Lesson, target: Lesson, student_id: int, today: dt.date) -> None:
    missed_class, target_class = lesson.class_group, target.class_group
    if target.id == lesson.id or target_class.course_id != missed_class.course_id \
            or target_class.campus_id != missed_class.campus_id:
        raise DomainError(_("补课只能安排在本校区同一课程的其他课节。"))
    if target.lesson_date < today:
        raise DomainError(_("不能预约已经过去的课节。"))
    student = db.session.get(Student, student_id)
    if student.suspended_on(target.lesson_date):
        raise StudentSuspended(_("%(name)s 在 %(date)s 处于休学中，不能预约该课节。", name=student.name,
                                 date=target.lesson_date.isoformat()))
    if db.session.scalar(select(Enrollment.id).where(Enrollment.student_id == student_id,
                                                     Enrollment.class_id == target.class_id,
                                                     Enrollment.status == EnrollmentStatus.ACTIVE).limit(1)):
        raise DomainError(_("学员本来就在该班上课，无需补课。"))
    if fresh(select(Attendance.id).where(Attendance.lesson_id == target.id, Attendance.student_id == student_id)) \
            or fresh(select(Makeup.id).where(Makeup.lesson_id == target.id, Makeup.student_id == student_id,
                                             Makeup.status.in_(OPEN_MAKEUPS)).limit(1)):
        raise DomainError(_("学员已在该课节的名单中。"))


def book_makeup(lesson: Lesson, student_id: int, target: Lesson, *, by: User,
                today: dt.date | None = None) -> Makeup:
    """补课: book a student marked 请假/缺勤 into another lesson of the course; booking again moves it."""
    missed = fresh(select(Attendance).where(Attendance.lesson_id == lesson.id, Attendance.student_id == student_id))
    if missed is None or missed.status not in MISSED or missed.enrollment_id is None:
        raise DomainError(_("只有标记为请假或缺勤的学员可以预约补课。"))
    if makeup_into(missed) is not None:
        raise DomainError(_("这已是一节补课，不能再为它预约补课。"))
    _check_makeup_target(lesson, target, student_id, today or school_today())
    lock_enrollment(missed.enrollment_id)
    makeup = fresh(select(Makeup).where(Makeup.missed_attendance_id == missed.id))
    if makeup is None:
        makeup = Makeup(missed_attendance_id=missed.id, student_id=student_id, enrollment_id=missed.enrollment_id)
    elif makeup.status == MakeupStatus.ATTENDED or fresh(select(Attendance.id).where(
            Attendance.lesson_id == makeup.lesson_id, Attendance.student_id == student_id)):
        raise DomainError(_("这次缺课的补课已经考勤，不能再改约。"))
    makeup.lesson_id, makeup.status, makeup.booked_by_id = target.id, MakeupStatus.BOOKED, by.id
    db.session.add(makeup)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise StaleRecord(_("这次缺课刚被他人安排了补课，请刷新后查看。")) from None
    return makeup
