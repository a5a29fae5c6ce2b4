"""Roles and record scope, enforced here and nowhere else.

`scoped(Model)` is the only way views list records and `get_or_404(Model, id)` the only way
they load one: a record outside the user's scope does not exist for them (404).
"""
from __future__ import annotations

from functools import wraps
from typing import Callable

from flask import abort
from flask_login import current_user, login_required
from sqlalchemy import Select, false, or_, select, true

from eduflow.extensions import db
from eduflow.models import (
    Attendance, Campus, ClassGroup, Enrollment, ImportBatch, Lead, Lesson, LessonLedgerEntry, Role, Student, User,
)


def role_required(*roles: Role) -> Callable:
    """Allow only the given roles (403 for other signed-in users, login for anonymous ones)."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        wrapped.allowed_roles = frozenset(roles)
        return wrapped

    return decorator


STAFF = tuple(Role)
LEAD_ROLES = (Role.ADMIN, Role.MANAGER, Role.SALES)


def _campus_clause(user: User, column):
    return true() if user.role == Role.ADMIN else column == user.campus_id


def _teacher_class_ids(user: User):
    taught = select(Lesson.class_id).where(Lesson.teacher_id == user.id)
    headed = select(ClassGroup.id).where(ClassGroup.head_teacher_id == user.id)
    return taught.union(headed)


def _lead_scope(user: User):
    visible = Lead.deleted_at.is_(None)
    if user.role in (Role.ADMIN, Role.MANAGER):
        return visible & _campus_clause(user, Lead.campus_id)
    if user.role == Role.SALES:
        return visible & (Lead.owner_id == user.id)
    return false()


def _student_scope(user: User):
    visible = Student.deleted_at.is_(None)
    if user.role in (Role.ADMIN, Role.MANAGER, Role.ACADEMIC):
        return visible & _campus_clause(user, Student.campus_id)
    if user.role == Role.SALES:
        return visible & (Student.owner_id == user.id)
    taught = select(Enrollment.student_id).where(Enrollment.class_id.in_(_teacher_class_ids(user)))
    return visible & Student.id.in_(taught)


def _class_scope(user: User):
    if user.role == Role.TEACHER:
        return ClassGroup.id.in_(_teacher_class_ids(user))
    return _campus_clause(user, ClassGroup.campus_id)


def _lesson_scope(user: User):
    if user.role == Role.TEACHER:
        return or_(Lesson.teacher_id == user.id, Lesson.class_id.in_(_teacher_class_ids(user)))
    return Lesson.class_id.in_(select(ClassGroup.id).where(_class_scope(user)))


def _enrollment_scope(user: User):
    return Enrollment.student_id.in_(select(Student.id).where(_student_scope(user)))


def _attendance_scope(user: User):
    return Attendance.lesson_id.in_(select(Lesson.id).where(_lesson_scope(user)))


def _ledger_scope(user: User):
    return LessonLedgerEntry.student_id.in_(select(Student.id).where(_student_scope(user)))


def _user_scope(user: User):
    if user.role == Role.ADMIN:
        return true()
    if user.role == Role.MANAGER:
        return User.campus_id == user.campus_id
    return User.id == user.id


def _import_scope(user: User):
    """Imports belong to managers (their campus) and admins."""
    if user.role not in (Role.ADMIN, Role.MANAGER):
        return false()
    return _campus_clause(user, ImportBatch.campus_id)


def _campus_scope(user: User):
    return _campus_clause(user, Campus.id)


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
}


def scope_clause(model, user: User | None = None):
    """The WHERE clause limiting `model` to what `user` (default: the current user) may see."""
    user = user or current_user._get_current_object()
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return false()
    return SCOPES[model](user)


def scoped(model, user: User | None = None) -> Select:
    return select(model).where(scope_clause(model, user))


def get_or_404(model, ident, user: User | None = None):
    """Load one record in scope, or answer 404 exactly as if it did not exist."""
    if not isinstance(ident, int):
        abort(404)
    record = db.session.scalar(scoped(model, user).where(model.id == ident))
    if record is None:
        abort(404)
    return record


def may_see_full_phone(record, user: User | None = None) -> bool:
    """The full number is for the record's owner, their campus manager and admins; others see it masked."""
    user = user or current_user._get_current_object()
    if user.role == Role.ADMIN:
        return True
    if user.role == Role.MANAGER:
        return record.campus_id == user.campus_id
    return getattr(record, "owner_id", None) == user.id
