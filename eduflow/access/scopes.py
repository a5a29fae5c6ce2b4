"""Record scope, enforced here and nowhere else (who may do what is in `eduflow.access.rules`).

`scoped(Model)` is the only way views list records and `get_or_404(Model, id)` the only way
they load one: a record outside the user's scope does not exist for them (404).
"""
from __future__ import annotations

from flask import abort
from flask_login import current_user
from sqlalchemy import Select, false, or_, select, true

from eduflow.extensions import db
from eduflow.models import (
    Attendance, Campus, ClassGroup, Enrollment, ImportBatch, Lead, LeaveRequest, Lesson, LessonLedgerEntry, Makeup,
    MakeupStatus, Parent, Payment, RenewalReminder, Review, StatusChange, Student, User,
)
from eduflow.access.rules import (
    SCHOOL_OFFICE, in_roles, is_admin, is_manager, is_office, is_parent, is_sales, is_teacher,
)


def _campus_clause(user: User, column):
    return true() if is_admin(user) else column == user.campus_id


def _teacher_class_ids(user: User):
    taught = select(Lesson.class_id).where(Lesson.teacher_id == user.id)
    headed = select(ClassGroup.id).where(ClassGroup.head_teacher_id == user.id)
    return taught.union(headed)


def children_of(account):
    """A parent's children: the students whose Parent rows carry the account's phone (blind index), across
    campuses, except rows whose access staff revoked."""
    linked = select(Parent.student_id).where(Parent.phone_hash == account.phone_hash,
                                             Parent.portal_revoked_at.is_(None))
    return Student.deleted_at.is_(None) & Student.id.in_(linked)


def _children_ids(account):
    return select(Student.id).where(children_of(account))


def _parent_lesson_scope(account):
    """A parent's lessons: those of the classes a child is enrolled in, and the lessons a child is booked into as
    a makeup."""
    classes = select(Enrollment.class_id).where(Enrollment.student_id.in_(_children_ids(account)))
    makeups = select(Makeup.lesson_id).where(Makeup.student_id.in_(_children_ids(account)),
                                             Makeup.status != MakeupStatus.CANCELLED)
    return Lesson.class_id.in_(classes) | Lesson.id.in_(makeups)


def _lead_scope(user: User):
    if is_parent(user):
        return false()
    visible = Lead.deleted_at.is_(None)
    if is_office(user):
        return visible & _campus_clause(user, Lead.campus_id)
    if is_sales(user):
        return visible & (Lead.owner_id == user.id)
    return false()


def _student_scope(user: User):
    if is_parent(user):
        return children_of(user)
    visible = Student.deleted_at.is_(None)
    if in_roles(user, SCHOOL_OFFICE):
        return visible & _campus_clause(user, Student.campus_id)
    if is_sales(user):
        return visible & (Student.owner_id == user.id)
    taught = select(Enrollment.student_id).where(Enrollment.class_id.in_(_teacher_class_ids(user)))
    return visible & Student.id.in_(taught)


def _class_scope(user: User):
    if is_parent(user):
        return ClassGroup.id.in_(select(Enrollment.class_id).where(Enrollment.student_id.in_(_children_ids(user))))
    if is_teacher(user):
        return ClassGroup.id.in_(_teacher_class_ids(user))
    return _campus_clause(user, ClassGroup.campus_id)


def _lesson_scope(user: User):
    if is_parent(user):
        return _parent_lesson_scope(user)
    if is_teacher(user):
        return or_(Lesson.teacher_id == user.id, Lesson.class_id.in_(_teacher_class_ids(user)))
    return Lesson.class_id.in_(select(ClassGroup.id).where(_class_scope(user)))


def taught_lessons(user: User):
    """A teacher's own lessons (`rules.teaches` as a clause): those they teach, a substitute's included, and every
    lesson of the classes they head."""
    headed = select(ClassGroup.id).where(ClassGroup.head_teacher_id == user.id)
    return or_(Lesson.teacher_id == user.id, Lesson.class_id.in_(headed))


def _enrollment_scope(user: User):
    return Enrollment.student_id.in_(select(Student.id).where(_student_scope(user)))


def _attendance_scope(user: User):
    if is_parent(user):
        return Attendance.student_id.in_(_children_ids(user))
    return Attendance.lesson_id.in_(select(Lesson.id).where(_lesson_scope(user)))


def _ledger_scope(user: User):
    return LessonLedgerEntry.student_id.in_(select(Student.id).where(_student_scope(user)))


def _payment_scope(user: User):
    """Payments (and their receipts) of the enrolments in scope."""
    return Payment.enrollment_id.in_(select(Enrollment.id).where(_enrollment_scope(user)))


def _leave_scope(user: User):
    """Leave requests of the students in scope (a teacher's: of their lessons)."""
    if is_teacher(user):
        return LeaveRequest.lesson_id.in_(select(Lesson.id).where(_lesson_scope(user)))
    return LeaveRequest.student_id.in_(_student_ids(user))


def _user_scope(user: User):
    if is_parent(user):
        return false()
    if is_admin(user):
        return true()
    if is_manager(user):
        return User.campus_id == user.campus_id
    return User.id == user.id


def _import_scope(user: User):
    """Imports belong to managers (their campus) and admins."""
    if is_parent(user):
        return false()
    if not is_office(user):
        return false()
    return _campus_clause(user, ImportBatch.campus_id)


def _campus_scope(user: User):
    if is_parent(user):
        return Campus.id.in_(select(Student.campus_id).where(children_of(user)))
    return _campus_clause(user, Campus.id)


def _student_ids(user: User):
    return select(Student.id).where(_student_scope(user))


def _reminder_scope(user: User):
    """Reminders of students in the user's scope; a salesperson sees only those assigned to them."""
    if is_parent(user):
        return false()
    clause = RenewalReminder.student_id.in_(_student_ids(user))
    return clause & (RenewalReminder.assigned_to_id == user.id) if is_sales(user) else clause


def _review_scope(user: User):
    """Teachers: reviews of themselves; others: reviews of the students in their scope."""
    return Review.teacher_id == user.id if is_teacher(user) else Review.student_id.in_(_student_ids(user))


def _status_change_scope(user: User):
    if is_parent(user):
        return false()
    return StatusChange.student_id.in_(_student_ids(user))


class DeletedLead:
    """The SCOPES key of the soft-deleted leads a user may restore: managers their campus's, admins all."""
    model = Lead


def _deleted_lead_scope(user: User):
    if not is_office(user):
        return false()
    return Lead.deleted_at.is_not(None) & _campus_clause(user, Lead.campus_id)


SCOPES = {
    Lead: _lead_scope,
    Student: _student_scope,
    ClassGroup: _class_scope,
    Lesson: _lesson_scope,
    Enrollment: _enrollment_scope,
    Attendance: _attendance_scope,
    LessonLedgerEntry: _ledger_scope,
    User: _user_scope,
    Campus: _campus_scope,
    ImportBatch: _import_scope,
    RenewalReminder: _reminder_scope,
    Review: _review_scope,
    StatusChange: _status_change_scope,
    Payment: _payment_scope,
    LeaveRequest: _leave_scope,
    DeletedLead: _deleted_lead_scope,
}


def scope_clause(model, user: User | None = None):
    """The WHERE clause limiting `model` to what `user` (default: the current user) may see."""
    user = user or current_user._get_current_object()
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return false()
    return SCOPES[model](user)


def scoped(model, user: User | None = None) -> Select:
    """The records of `model` (or a key such as DeletedLead) the user may see."""
    return select(getattr(model, "model", model)).where(scope_clause(model, user))


def get_or_404(model, ident, user: User | None = None):
    """Load one record in scope, or answer 404 exactly as if it did not exist."""
    if not isinstance(ident, int):
        abort(404)
    record = db.session.scalar(scoped(model, user).where(getattr(model, "model", model).id == ident))
    if record is None:
        abort(404)
    return record
