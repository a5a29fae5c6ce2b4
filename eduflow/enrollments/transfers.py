"""转班 (transfers): an enrolment moves to another class of the same course on the student's campus.

The same enrolment moves: its ledger (and so its balance) goes with it, and a zero-unit TRANSFER row records the
move in the 课时流水 where the balance history is read.
"""
from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select

from eduflow.domain import DomainError
from eduflow.enrollments.creation import check_free_seat, head_counts
from eduflow.enrollments.ledger import balance, post_entry
from eduflow.extensions import db
from eduflow.locks import lock_rows
from eduflow.models import ClassGroup, Enrollment, LedgerKind, User


def transfer_targets(enrollment: Enrollment) -> list[tuple[ClassGroup, int]]:
    """The other classes of the same course on the student's campus, each with its head count."""
    classes = db.session.scalars(select(ClassGroup).where(
        ClassGroup.course_id == enrollment.course_id, ClassGroup.campus_id == enrollment.student.campus_id,
        ClassGroup.id != (enrollment.class_id or 0)).order_by(ClassGroup.name, ClassGroup.id)).all()
    counts = head_counts([group.id for group in classes])
    return [(group, counts[group.id]) for group in classes]


def check_transfer_target(enrollment: Enrollment, target_id: int | None) -> ClassGroup:
    """Another class of the same course on the same campus, with a free seat."""
    target = db.session.get(ClassGroup, target_id) if target_id is not None else None
    if target is None:
        raise DomainError(_("请选择转入的班级。"))
    if target.id == enrollment.class_id:
        raise DomainError(_("学员已在班级 %(name)s，请选择其他班级。", name=target.name))
    if target.course_id != enrollment.course_id:
        raise DomainError(_("只能转入同一课程（%(course)s）的班级。", course=enrollment.course.name))
    if target.campus_id != enrollment.student.campus_id:
        raise DomainError(_("只能转入学员所在校区的班级。"))
    check_free_seat(target)
    return target


def transfer_enrollment(enrollment: Enrollment, target_id: int | None, *, by: User) -> ClassGroup:
    """Move a locked, active enrolment into the target class, its seat re-checked under the class's lock."""
    lock_rows(ClassGroup, [target_id])
    target = check_transfer_target(enrollment, target_id)
    source = enrollment.class_group
    enrollment.class_group = target
    post_entry(enrollment, LedgerKind.TRANSFER, 0, by=by, reason=_(
        "转班：%(source)s → %(target)s，剩余 %(n)s 课时随报名转入", source=source.name if source else _("未分班"),
        target=target.name, n=balance(enrollment.id)))
    return target
