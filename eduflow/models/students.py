"""Students and their parents, status changes with approval (休学 / 复学 / 退费 / 转班 / 毕业) and reviews."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import (
    Boolean, CheckConstraint, Column, Date, DateTime, ForeignKey, Index, Integer, String, Table, Text,
    UniqueConstraint, and_, or_,
)
from sqlalchemy.ext.hybrid import hybrid_method
from sqlalchemy.orm import Mapped, mapped_column, relationship

from eduflow.models.base import (
    Base, EncryptedText, Money, PhoneMixin, PinyinNameMixin, SoftDeleteMixin, TimestampMixin, utcnow,
)
from eduflow.models.enums import ApprovalStatus, Gender, StatusChangeKind, StudentStatus, enum_column

if TYPE_CHECKING:
    from eduflow.models.leads import Lead, SourceChannel, Tag
    from eduflow.models.enrollments import Enrollment
    from eduflow.models.org import Campus, User
    from eduflow.models.schedule import ClassGroup, Course


student_tags = Table(
    "student_tags",
    Base.metadata,
    Column("student_id", ForeignKey("students.id", ondelete="CASCADE"), primary_key=True),
    Column("tag_id", ForeignKey("tags.id"), primary_key=True, index=True),
)


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


    campus: Mapped[Campus] = relationship("Campus")
    owner: Mapped[User | None] = relationship("User")
    source: Mapped[SourceChannel | None] = relationship("SourceChannel")
    # The lead it came from: the link lives on Lead.converted_student_id, so there is no FK cycle.
    lead: Mapped[Lead | None] = relationship("Lead", primaryjoin="Lead.converted_student_id == Student.id",
                                             viewonly=True, uselist=False)
    parents: Mapped[list[Parent]] = relationship("Parent", back_populates="student", order_by="Parent.id")
    tags: Mapped[list[Tag]] = relationship("Tag", secondary=student_tags)


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
    # Staff revoked this parent's portal access to this student (a new invitation grants it again).
    portal_revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTime)


    student: Mapped[Student] = relationship(Student, back_populates="parents")


class StatusChange(Base):
    """学员状态变更: requested, then approved (and applied) or rejected by a manager."""


    __tablename__ = "status_changes"
    __table_args__ = (Index(None, "approval_status", "requested_at"), Index(None, "student_id", "requested_at"))


    id: Mapped[int] = mapped_column(primary_key=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("students.id"))
    enrollment_id: Mapped[int | None] = mapped_column(ForeignKey("enrollments.id"))
    kind: Mapped[StatusChangeKind] = mapped_column(enum_column(StatusChangeKind))
    old_status: Mapped[StudentStatus] = mapped_column(enum_column(StudentStatus))
    new_status: Mapped[StudentStatus] = mapped_column(enum_column(StudentStatus))
    reason: Mapped[str] = mapped_column(Text)
    target_class_id: Mapped[int | None] = mapped_column(ForeignKey("classes.id"))  # 转班
    refund_amount: Mapped[Decimal | None] = mapped_column(Money)  # 退费
    effective_on: Mapped[dt.date | None] = mapped_column(Date)  # 休学: the first day off; 复学: the first day back
    planned_return_on: Mapped[dt.date | None] = mapped_column(Date)  # 休学, optional
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    requested_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    approval_status: Mapped[ApprovalStatus] = mapped_column(
        enum_column(ApprovalStatus), default=ApprovalStatus.PENDING
    )
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    approved_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    notes: Mapped[str] = mapped_column(Text, default="")


    student: Mapped[Student] = relationship("Student")
    enrollment: Mapped[Enrollment | None] = relationship("Enrollment")
    target_class: Mapped[ClassGroup | None] = relationship("ClassGroup")
    requested_by: Mapped[User | None] = relationship("User", foreign_keys=[requested_by_id])
    approved_by: Mapped[User | None] = relationship("User", foreign_keys=[approved_by_id])


class Review(Base):
    """评价: ratings 1–5 for a course and teacher, with one reply."""


    __tablename__ = "reviews"
    __table_args__ = (
        Index(None, "teacher_id", "reviewed_on"),
        Index(None, "course_id", "reviewed_on"),
        CheckConstraint("overall_rating BETWEEN 1 AND 5", name="overall_range"),
        CheckConstraint("course_rating BETWEEN 1 AND 5", name="course_range"),
        CheckConstraint("teacher_rating BETWEEN 1 AND 5", name="teacher_range"),
        UniqueConstraint("lesson_id", "student_id"),  # a parent reviews an attended lesson once
    )


    id: Mapped[int] = mapped_column(primary_key=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("students.id"), index=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"))
    teacher_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    overall_rating: Mapped[int] = mapped_column(Integer)
    course_rating: Mapped[int] = mapped_column(Integer)
    teacher_rating: Mapped[int] = mapped_column(Integer)
    comment: Mapped[str] = mapped_column(Text, default="")
    reviewed_on: Mapped[dt.date] = mapped_column(Date)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    lesson_id: Mapped[int | None] = mapped_column(ForeignKey("lessons.id"))  # set when a parent reviews a lesson
    parent_account_id: Mapped[int | None] = mapped_column(ForeignKey("parent_accounts.id"))
    reply: Mapped[str] = mapped_column(Text, default="")
    replied_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    replied_at: Mapped[dt.datetime | None] = mapped_column(DateTime)


    student: Mapped[Student] = relationship("Student")
    course: Mapped[Course] = relationship("Course")
    teacher: Mapped[User | None] = relationship("User", foreign_keys=[teacher_id])
    replied_by: Mapped[User | None] = relationship("User", foreign_keys=[replied_by_id])
