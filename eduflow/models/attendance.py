"""Attendance marks (考勤) and makeups (补课)."""
from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from eduflow.models.base import Base, TimestampMixin
from eduflow.models.enums import AttendanceStatus, MakeupStatus, enum_column

if TYPE_CHECKING:
    from eduflow.models.enrollments import Enrollment
    from eduflow.models.org import User
    from eduflow.models.schedule import Lesson
    from eduflow.models.students import Student


class Attendance(TimestampMixin, Base):
    """考勤: one row per lesson and student."""


    __tablename__ = "attendance"
    __table_args__ = (
        UniqueConstraint("lesson_id", "student_id"),
        Index(None, "enrollment_id", "created_at"),
        Index(None, "student_id", "created_at"),
        Index(None, "lesson_id", "status"),  # the attendance report: marks per lesson, covering
    )


    id: Mapped[int] = mapped_column(primary_key=True)
    lesson_id: Mapped[int] = mapped_column(ForeignKey("lessons.id"))
    student_id: Mapped[int] = mapped_column(ForeignKey("students.id"))
    enrollment_id: Mapped[int | None] = mapped_column(ForeignKey("enrollments.id"))
    status: Mapped[AttendanceStatus] = mapped_column(enum_column(AttendanceStatus))
    notes: Mapped[str] = mapped_column(String(255), default="")
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    version: Mapped[int] = mapped_column(Integer, default=1)


    __mapper_args__ = {"version_id_col": version}


    lesson: Mapped[Lesson] = relationship("Lesson")
    student: Mapped[Student] = relationship("Student")
    enrollment: Mapped[Enrollment | None] = relationship("Enrollment")
    recorded_by: Mapped[User | None] = relationship("User")


class Makeup(TimestampMixin, Base):
    """补课: a missed lesson (请假/缺勤) made up in another lesson of the same course."""


    __tablename__ = "makeups"
    __table_args__ = (UniqueConstraint("missed_attendance_id"), Index(None, "lesson_id", "student_id"))


    id: Mapped[int] = mapped_column(primary_key=True)
    missed_attendance_id: Mapped[int] = mapped_column(ForeignKey("attendance.id"))
    lesson_id: Mapped[int] = mapped_column(ForeignKey("lessons.id"))
    student_id: Mapped[int] = mapped_column(ForeignKey("students.id"))
    enrollment_id: Mapped[int] = mapped_column(ForeignKey("enrollments.id"))
    status: Mapped[MakeupStatus] = mapped_column(enum_column(MakeupStatus), default=MakeupStatus.BOOKED)
    booked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


    missed_attendance: Mapped[Attendance] = relationship(Attendance)
    lesson: Mapped[Lesson] = relationship("Lesson")
    student: Mapped[Student] = relationship("Student")
    enrollment: Mapped[Enrollment] = relationship("Enrollment")
