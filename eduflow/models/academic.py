"""The teaching side: courses, classes, lessons, students, parents."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import (
    Boolean, CheckConstraint, Column, Date, ForeignKey, Index, Integer, String, Table, Text, Time, and_, or_,
)
from sqlalchemy.ext.hybrid import hybrid_method
from sqlalchemy.orm import Mapped, mapped_column, relationship

from eduflow.models.base import (
    Base, EncryptedText, Money, PhoneMixin, PinyinNameMixin, SoftDeleteMixin, TimestampMixin,
)
from eduflow.models.enums import Gender, StudentStatus, enum_column

student_tags = Table(
    "student_tags",
    Base.metadata,
    Column("student_id", ForeignKey("students.id", ondelete="CASCADE"), primary_key=True),
    Column("tag_id", ForeignKey("tags.id"), primary_key=True, index=True),
)


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

    campus = relationship("Campus")

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

    course = relationship(Course)
    campus = relationship("Campus")
    head_teacher = relationship("User")
    classroom = relationship(Classroom)

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

    class_group = relationship(ClassGroup)
    teacher = relationship("User")
    classroom = relationship(Classroom)


class Student(PinyinNameMixin, PhoneMixin, SoftDeleteMixin, TimestampMixin, Base):
    __tablename__ = "students"
    __table_args__ = (
        Index(None, "owner_id", "status"),
        Index(None, "campus_id", "status"),
        Index(None, "suspended_from", "returns_on"),  # who is 休学 on a day: the few suspended, not every student
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    gender: Mapped[Gender] = mapped_column(enum_column(Gender), default=Gender.UNKNOWN)
    birth_date: Mapped[dt.date | None] = mapped_column(Date)
    email: Mapped[str | None] = mapped_column(EncryptedText)
    id_card: Mapped[str | None] = mapped_column(EncryptedText)
    address: Mapped[str] = mapped_column(String(255), default="")
    source_id: Mapped[int | None] = mapped_column(ForeignKey("source_channels.id"))
    status: Mapped[StudentStatus] = mapped_column(enum_column(StudentStatus), default=StudentStatus.POTENTIAL)
    campus_id: Mapped[int] = mapped_column(ForeignKey("campuses.id"))
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    notes: Mapped[str] = mapped_column(Text, default="")
    # 休学: off the rosters from suspended_from, back on returns_on (planned or actual; open-ended if None).
    suspended_from: Mapped[dt.date | None] = mapped_column(Date)
    returns_on: Mapped[dt.date | None] = mapped_column(Date)

    campus = relationship("Campus")
    owner = relationship("User")
    source = relationship("SourceChannel")
    # The lead it came from: the link lives on Lead.converted_student_id, so there is no FK cycle.
    lead = relationship("Lead", primaryjoin="Lead.converted_student_id == Student.id", viewonly=True, uselist=False)
    parents = relationship("Parent", back_populates="student", order_by="Parent.id")
    tags = relationship("Tag", secondary=student_tags)

    def __str__(self) -> str:
        return self.name

    @hybrid_method
    def suspended_on(self, day: dt.date) -> bool:
        """休学 on that day: the one rule rosters, marking, reminders and the status job all use."""
        return (self.suspended_from is not None and self.suspended_from <= day
                and (self.returns_on is None or day < self.returns_on))

    @suspended_on.expression
    def suspended_on(cls, day: dt.date):
        return and_(cls.suspended_from.is_not(None), cls.suspended_from <= day,
                    or_(cls.returns_on.is_(None), cls.returns_on > day))


class Parent(PhoneMixin, TimestampMixin, Base):
    """家长. Exactly one primary per student, kept by the service that edits parents."""

    __tablename__ = "parents"

    id: Mapped[int] = mapped_column(primary_key=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("students.id"), index=True)
    name: Mapped[str] = mapped_column(String(64))
    relationship_: Mapped[str] = mapped_column("relationship", String(32), default="")
    wechat_id: Mapped[str] = mapped_column(String(64), default="")
    email: Mapped[str | None] = mapped_column(EncryptedText)
    is_primary: Mapped[bool] = mapped_column(Boolean, default=False)

    student = relationship(Student, back_populates="parents")
