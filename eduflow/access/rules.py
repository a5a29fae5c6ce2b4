"""Who may do what: every role set and permission predicate, named once (FlaskBB's `requirements`).

A newcomer asking "who may mark attendance?" reads `may_mark` here; no other module compares a role.
"""
from __future__ import annotations

from functools import wraps
from typing import Callable

from flask import abort, current_app
from flask_login import current_user, login_required

from eduflow.models import Role, User

# ---------- named role sets ----------

EVERYONE = frozenset(Role)
ADMINS = frozenset({Role.ADMIN})
OFFICE = frozenset({Role.ADMIN, Role.MANAGER})  # exports, imports, approvals, records, corrections of locked sheets
SALES_SIDE = frozenset({Role.ADMIN, Role.MANAGER, Role.SALES})  # leads, renewal reminders, sales reports
LEAD_OWNERS = frozenset({Role.SALES, Role.MANAGER})  # may own, claim and inherit leads
SCHOOL_OFFICE = frozenset({Role.ADMIN, Role.MANAGER, Role.ACADEMIC})  # classes, lessons, makeup bookings
MARKERS = frozenset({Role.ADMIN, Role.MANAGER, Role.ACADEMIC, Role.TEACHER})  # attendance sheets
STUDENT_WRITERS = frozenset({Role.ADMIN, Role.MANAGER, Role.SALES, Role.ACADEMIC})  # students, enrolments, requests
REVIEW_REPLIERS = frozenset({Role.ADMIN, Role.MANAGER, Role.TEACHER})
CAMPUS_BOUND = frozenset({Role.MANAGER, Role.SALES, Role.ACADEMIC, Role.TEACHER})  # accounts that need a campus


def role_required(*roles: Role) -> Callable:
    """Allow only the given roles (403 for other signed-in users, login for anonymous ones); the roles stay on
    the view (`allowed_roles`) so links and navigation ask the view instead of repeating them."""
    allowed = frozenset(roles)

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if current_user.role not in allowed:
                abort(403)
            return view(*args, **kwargs)

        wrapped.allowed_roles = allowed
        return wrapped

    return decorator


def may_open(endpoint: str, user: User | None = None) -> bool:
    """Whether the endpoint exists and the user's role passes its view's role_required (any role if it has none)."""
    user = user or current_user
    view = current_app.view_functions.get(endpoint)
    if view is None or not getattr(user, "is_authenticated", False):
        return False
    return user.role in getattr(view, "allowed_roles", EVERYONE)


# ---------- who a user is ----------

def in_roles(user: User, roles: frozenset) -> bool:
    """Whether the user's role is one of a named role set."""
    return user.role in roles


def is_admin(user: User) -> bool:
    """Admins see every campus."""
    return user.role == Role.ADMIN


def is_manager(user: User) -> bool:
    """A campus manager sees every record of their campus."""
    return user.role == Role.MANAGER


def is_sales(user: User) -> bool:
    """A salesperson works only the leads and students they own."""
    return user.role == Role.SALES


def is_academic(user: User) -> bool:
    """Academic staff run classes, lessons and enrolments of their campus (no leads)."""
    return user.role == Role.ACADEMIC


def is_teacher(user: User) -> bool:
    """A teacher sees their own classes, lessons and those students."""
    return user.role == Role.TEACHER


def is_parent(user) -> bool:
    """A parent account (家长端): no staff role; sees only the students whose Parent rows carry its phone."""
    return bool(getattr(user, "is_parent", False))


def is_staff(user) -> bool:
    """A signed-in staff account (any role), not a parent."""
    return bool(getattr(user, "is_authenticated", False)) and not is_parent(user)


def is_office(user: User) -> bool:
    """Admin or a campus manager."""
    return user.role in OFFICE


def home_campus(user: User) -> int | None:
    """The campus the user's records are limited to; None for admins, who see every campus."""
    return None if is_admin(user) else user.campus_id


def manages_campus(user: User, campus_id: int | None) -> bool:
    """Admins manage every campus; a manager manages their own."""
    return is_admin(user) or (is_manager(user) and campus_id is not None and user.campus_id == campus_id)


# ---------- permissions ----------

def teaches(user: User, lesson) -> bool:
    """A teacher's lessons are the ones they teach (a substitute included) and every lesson of the classes they head."""
    return is_teacher(user) and user.id in (lesson.teacher_id, lesson.class_group.head_teacher_id)


def may_mark(user: User, lesson) -> bool:
    """The school office marks any sheet in its scope; a teacher marks their own lessons (see `teaches`)."""
    return in_roles(user, SCHOOL_OFFICE) or teaches(user, lesson)


def may_correct_locked(user: User) -> bool:
    """Sheets older than the lock are corrected (补录) by managers and admins only."""
    return is_office(user)


def may_book_makeups(user: User) -> bool:
    """The school office arranges makeups, not teachers."""
    return in_roles(user, SCHOOL_OFFICE)


def may_see_full_phone(record, user: User | None = None) -> bool:
    """The full number is for the record's owner, their campus manager and admins; others see it masked."""
    user = user or current_user._get_current_object()
    return manages_campus(user, record.campus_id) or getattr(record, "owner_id", None) == user.id


def may_see_id_card(student, user: User) -> bool:
    """The full ID card number is for admins and the campus manager only; everyone else sees it masked."""
    return manages_campus(user, student.campus_id)


def may_decide(user: User, change) -> bool:
    """Status changes are approved by an admin or the manager of the student's campus."""
    return manages_campus(user, change.student.campus_id)


def may_reply(review, user: User) -> bool:
    """The reviewed teacher, a manager of the student's campus, or an admin."""
    return manages_campus(user, review.student.campus_id) or (is_teacher(user) and review.teacher_id == user.id)


def may_invite_parents(user: User, student) -> bool:
    """Parent access (家长端 invitations and revocations): the student's owner salesperson, academic staff and the
    manager of the student's campus, and admins."""
    return (manages_campus(user, student.campus_id) or (is_sales(user) and student.owner_id == user.id)
            or (is_academic(user) and user.campus_id == student.campus_id))


def may_manage_records(user: User) -> bool:
    """Deleting, restoring and merging leads is for managers and admins."""
    return is_office(user)


def may_own_leads(user: User) -> bool:
    """Salespeople and managers may own, claim and be given leads."""
    return role_may_own_leads(user.role)


# ---------- accounts by role, as query clauses ----------

def accounts_in(roles: frozenset):
    """The WHERE clause for user accounts whose role is in a named role set."""
    return User.role.in_(roles)


def teacher_accounts():
    """The WHERE clause for teachers' accounts."""
    return User.role == Role.TEACHER


def sales_accounts():
    """The WHERE clause for salespeople's accounts."""
    return User.role == Role.SALES


# ---------- what a role (being given to an account) implies ----------

def role_needs_campus(role: Role) -> bool:
    """Every account but an admin's belongs to a campus."""
    return role in CAMPUS_BOUND


def role_may_own_leads(role: Role) -> bool:
    """Salespeople and managers hold leads (and inherit them when a colleague leaves)."""
    return role in LEAD_OWNERS


def changes_role(user: User, role: Role) -> bool:
    """Whether giving the account `role` changes it (nobody changes their own)."""
    return role != user.role


def accounts_with(role: Role):
    """The WHERE clause for user accounts of one role (a list filter)."""
    return User.role == role


def has_role(user: User, role: Role) -> bool:
    """Whether the account holds exactly this role (seeding and sampling pick accounts by role)."""
    return user.role == role
