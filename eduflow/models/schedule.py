"""Courses, classrooms, classes (班级) and their lessons (课节)."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import Boolean, CheckConstraint, Date, ForeignKey, Index, Integer, String, Text, Time
from sqlalchemy.orm import Mapped, mapped_column, relationship

from eduflow.models.base import Base, Money, TimestampMixin

if TYPE_CHECKING:
    from eduflow.models.org import Campus, User


class Course(TimestampMixin, Base):
    __tablename__ = "courses"


    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    total_lessons: Mapped[int] = mapped_column(Integer, default=0)
    price: Mapped[Decimal] = mapped_column(Money, default=Decimal("0"))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)


    __table_args__ = (
        CheckConstraint("total_lessons >= 0", name="total_lessons_non_negative"),
        CheckConstraint("price >= 0", name="price_non_negative"),
    )


    def __str__(self) -> str:
        return self.name


class Classroom(Base):
    __tablename__ = "classrooms"
    __table_args__ = (Index(None, "campus_id", "name", unique=True),)


    id: Mapped[int] = mapped_column(primary_key=True)
    campus_id: Mapped[int] = mapped_column(ForeignKey("campuses.id"))
    name: Mapped[str] = mapped_column(String(64))
    seats: Mapped[int] = mapped_column(Integer, default=0)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)


    campus: Mapped[Campus] = relationship("Campus")


    def __str__(self) -> str:
        return self.name


class ClassGroup(TimestampMixin, Base):
    """班级. Its head count is derived from active enrolments, never stored."""


    __tablename__ = "classes"
    __table_args__ = (
        Index(None, "campus_id", "course_id"),
        CheckConstraint("capacity > 0", name="capacity_positive"),
    )


    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64))
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"))
    campus_id: Mapped[int] = mapped_column(ForeignKey("campuses.id"))
    head_teacher_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    classroom_id: Mapped[int | None] = mapped_column(ForeignKey("classrooms.id"))
    start_date: Mapped[dt.date | None] = mapped_column(Date)
    end_date: Mapped[dt.date | None] = mapped_column(Date)
    capacity: Mapped[int] = mapped_column(Integer, default=20)


    course: Mapped[Course] = relationship(Course)
    campus: Mapped[Campus] = relationship("Campus")
    head_teacher: Mapped[User | None] = relationship("User")
    classroom: Mapped[Classroom | None] = relationship(Classroom)


    def __str__(self) -> str:
        return self.name


class Lesson(TimestampMixin, Base):
    """课节: one meeting of a class."""


    __tablename__ = "lessons"
    __table_args__ = (
        Index(None, "class_id", "lesson_date"),
        Index(None, "teacher_id", "lesson_date"),
        Index(None, "classroom_id", "lesson_date"),
        Index(None, "lesson_date", "start_time"),  # a day's or a year's lessons, whatever the class
        CheckConstraint("end_time > start_time", name="ends_after_start"),
        CheckConstraint("units > 0", name="units_positive"),
    )


    id: Mapped[int] = mapped_column(primary_key=True)
    class_id: Mapped[int] = mapped_column(ForeignKey("classes.id"))
    lesson_date: Mapped[dt.date] = mapped_column(Date)
    start_time: Mapped[dt.time] = mapped_column(Time)
    end_time: Mapped[dt.time] = mapped_column(Time)
    teacher_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    classroom_id: Mapped[int | None] = mapped_column(ForeignKey("classrooms.id"))
    units: Mapped[int] = mapped_column(Integer, default=1)  # 课时数
    topic: Mapped[str] = mapped_column(String(255), default="")


    class_group: Mapped[ClassGroup] = relationship(ClassGroup)
    teacher: Mapped[User | None] = relationship("User")
    classroom: Mapped[Classroom | None] = relationship(Classroom)
