"""推荐学员 for a 转介绍 lead: the students a user may name as its referrer, found as they type (name, pinyin,
initials or phone digits, the students list's own search), each told apart from a namesake by class and the last
four digits of a phone. Scope is the students list's (`scoped(Student)`); the lead's campus narrows it."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from eduflow.access import is_admin, scoped
from eduflow.extensions import db
from eduflow.models import ClassGroup, Enrollment, EnrollmentStatus, Lead, Parent, Student, User
from eduflow.students.queries import student_search_clause

LIMIT = 12  # a few lines a tablet shows at once; more asks for more letters


@dataclass(frozen=True)
class Referrer:
    """A student as the picker shows them: name, classes, the phone's last four digits, campus (for admins)."""

    id: int
    name: str
    classes: tuple[str, ...]
    last4: str | None
    campus: str | None


@dataclass(frozen=True)
class ReferrerOptions:
    """What the picker offers: the chosen student (kept while the user searches on), the matches of `q`."""

    q: str
    chosen: Referrer | None
    matches: list[Referrer]
    more: bool

    @property
    def chosen_id(self) -> int | None:
        return self.chosen.id if self.chosen else None

    @property
    def others(self) -> list[Referrer]:
        """The matches other than the chosen student, who is listed first."""
        return [match for match in self.matches if match.id != self.chosen_id]


def _candidates(user: User, campus_id: int | None):
    query = scoped(Student, user)
    return query if campus_id is None else query.where(Student.campus_id == campus_id)


def matching_students(user: User, campus_id: int | None, q: str, limit: int = LIMIT) -> tuple[list[Student], bool]:
    """Up to `limit` students in scope (of the campus, if given) matching q, and whether there are more."""
    clause = student_search_clause(q)
    if clause is None:
        return [], False
    query = _candidates(user, campus_id).where(clause).order_by(Student.name_pinyin, Student.id).limit(limit + 1)
    if is_admin(user):
        query = query.options(joinedload(Student.campus))
    students = list(db.session.scalars(query))
    return students[:limit], len(students) > limit


def chosen_student(user: User, student_id: int | None, campus_id: int | None, lead: Lead | None = None) -> Student | None:
    """The student the form holds: one in scope, or the lead's own referrer (kept even if no longer in scope)."""
    if student_id is None:
        return None
    if lead is not None and student_id == lead.referrer_student_id:
        return db.session.get(Student, student_id)
    return db.session.scalar(_candidates(user, campus_id).where(Student.id == student_id))


def described(students: list[Student], everywhere: bool) -> list[Referrer]:
    """The students as the picker shows them: classes of their active enrolments and a phone's last four digits
    (their own, else the primary parent's), each read for all of them in one query."""
    ids = [student.id for student in students]
    if not ids:
        return []
    classes = defaultdict(list)
    for student_id, name in db.session.execute(
            select(Enrollment.student_id, ClassGroup.name).join(ClassGroup, ClassGroup.id == Enrollment.class_id)
            .where(Enrollment.student_id.in_(ids), Enrollment.status == EnrollmentStatus.ACTIVE)
            .order_by(ClassGroup.name, ClassGroup.id)):
        classes[student_id].append(name)
    without_phone = [student.id for student in students if not student.phone_last4]
    parents = {}
    if without_phone:
        parents = dict(db.session.execute(select(Parent.student_id, Parent.phone_last4).where(
            Parent.student_id.in_(without_phone), Parent.is_primary.is_(True))).all())
    return [Referrer(id=student.id, name=student.name, classes=tuple(classes[student.id]),
                     last4=student.phone_last4 or parents.get(student.id),
                     campus=student.campus.name if everywhere else None) for student in students]


def referrer_options(user: User, *, campus_id: int | None, q: str = "", chosen_id: int | None = None,
                     lead: Lead | None = None) -> ReferrerOptions:
    """The picker's content for the text typed so far and the student chosen so far."""
    q = (q or "").strip()
    matches, more = matching_students(user, campus_id, q) if q else ([], False)
    chosen = chosen_student(user, chosen_id, campus_id, lead)
    found = {student.id for student in matches}
    shown = described(([chosen] if chosen is not None and chosen.id not in found else []) + matches, is_admin(user))
    by_id = {referrer.id: referrer for referrer in shown}
    return ReferrerOptions(q=q, chosen=by_id.get(chosen.id) if chosen else None,
                           matches=[by_id[student.id] for student in matches], more=more)
