"""The demo school's parent side: two parents with access, one of them with a child at each campus.

Their phone numbers are fixed so the README can name the logins: 王芳 (13800000001) has a child at each
campus, 李强 (13800000002) one child; both use the demo password at /p/login.
"""
from __future__ import annotations

from eduflow.demo.context import DemoContext
from eduflow.demo.finance import Seat
from eduflow.extensions import db
from eduflow.models import EnrollmentStatus, ParentAccount
from eduflow.parents.accounts import new_session_token
from eduflow.security.passwords import hash_password

DEMO_PARENTS = (("王芳", "妈妈", "13800000001", (0, 1)), ("李强", "爸爸", "13800000002", (0,)))


def _children(seats: list[Seat], wanted: tuple[int, ...], taken: set[int]) -> list:
    """One student per wanted campus with an active enrolment in a class, not given to another demo parent."""
    children = []
    for campus_index in wanted:
        for seat in seats:
            student = seat.student
            enrollment = seat.enrollment
            if (id(student) not in taken and enrollment is not None and enrollment.status == EnrollmentStatus.ACTIVE
                    and enrollment.class_group is not None and seat.plan.campus_index == campus_index
                    and seat.balance > 3):
                taken.add(id(student))
                children.append(student)
                break
    return children


def build_parent_accounts(ctx: DemoContext, seats: list[Seat], password: str) -> None:
    """Give the chosen children's primary parent the demo parent's name and phone, and open an account."""
    taken: set[int] = set()
    for name, relation, phone, campuses in DEMO_PARENTS:
        for student in _children(seats, campuses, taken):
            primary = next(parent for parent in student.parents if parent.is_primary)
            primary.name, primary.relationship_ = name, relation
            primary.phone = student.phone = phone
        account = ParentAccount(password_hash=hash_password(password), session_token=new_session_token(),
                                created_at=ctx.now, updated_at=ctx.now)
        account.phone = phone
        db.session.add(account)
    db.session.flush()
