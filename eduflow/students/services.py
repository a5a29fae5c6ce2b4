"""Student and parent records: create and edit (duplicate phone, ID card rule, owner of the campus), exactly
one primary parent, and the choices the student form offers (follow-ups: eduflow.followups)."""
from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select

from eduflow.access import is_office, is_sales, sales_accounts
from eduflow.contacts import check_phone, refuse_duplicate
from eduflow.domain import DomainError, FieldError
from eduflow.extensions import db
from eduflow.locks import lock_rows
from eduflow.models import (
    Campus, Parent, SourceChannel, Student, StudentStatus, TagKind, User,
)
from eduflow.reference import manual_tags
from eduflow.security.idcard import is_valid_id_card, normalise_id_card

CREATE_STATUSES = (StudentStatus.POTENTIAL, StudentStatus.ACTIVE)
PROFILE_FIELDS = ("name", "gender", "birth_date", "phone", "email", "id_card", "address", "source_id", "notes")
PARENT_FIELDS = ("name", "relationship", "phone", "wechat_id", "email")
UNCHANGED = object()



# ---------- who may see what ----------

# ---------- choices the student form offers (and the service re-checks) ----------

def selectable_owners(campus_id: int | None, current_id: int | None = None) -> list[User]:
    """Active sales staff of a campus (of every campus for None), plus the student's current owner."""
    query = select(User).where(((User.is_active) & sales_accounts()) | (User.id == current_id))
    if campus_id is not None:
        query = query.where(User.campus_id == campus_id)
    return list(db.session.scalars(query.order_by(User.campus_id, User.display_name, User.id)))


# ---------- checks ----------

def _check_phone(campus_id: int, phone: str | None, exclude_id: int | None = None) -> None:
    """A student's own number is optional; given, it follows the contact rule and no live student of the campus
    may have it already (eduflow.contacts)."""
    if phone:
        check_phone(phone)
        refuse_duplicate(Student, campus_id, phone, exclude_id)


def _check_id_card(raw: str | None) -> str | None:
    if not raw:
        return None
    if not is_valid_id_card(raw):
        raise FieldError("id_card", _("身份证号码无效，请核对 18 位号码（含校验位）。"))
    return normalise_id_card(raw)


def _check_owner(campus_id: int, owner_id: int | None, current_id: int | None = None) -> int | None:
    if owner_id is None or owner_id == current_id:
        return owner_id
    owner = db.session.get(User, owner_id)
    if owner is None or not owner.is_active or not is_sales(owner) or owner.campus_id != campus_id:
        raise FieldError("owner_id", _("负责人必须是该校区在职的课程顾问。"))
    return owner_id


def _check_source(source_id: int | None, current_id: int | None = None) -> int | None:
    if source_id is None or source_id == current_id:
        return source_id
    source = db.session.get(SourceChannel, source_id)
    if source is None or not source.is_active:
        raise FieldError("source_id", _("请选择有效的来源渠道。"))
    return source_id


def _apply_profile(student: Student, values: dict) -> None:
    """Set the profile fields given (a field left out keeps its value); the model encrypts what it must."""
    if "name" in values and not (values["name"] or "").strip():
        raise FieldError("name", _("请填写学员姓名。"))
    if "id_card" in values:
        values = {**values, "id_card": _check_id_card(values["id_card"])}
    if "source_id" in values:
        values = {**values, "source_id": _check_source(values["source_id"], student.source_id)}
    for name in PROFILE_FIELDS:
        if name in values:
            value = values[name]
            setattr(student, name, value.strip() if isinstance(value, str) else value)
    student.email = student.email or None


def _set_manual_tags(student: Student, tag_ids) -> None:
    """Replace the manual tags; system tags stay as the scheduled job left them."""
    wanted = [t for t in manual_tags() if t.id in set(tag_ids)]
    student.tags = [t for t in student.tags if t.kind == TagKind.SYSTEM] + wanted


# ---------- students ----------

def create_student(*, by: User, campus_id: int, status: StudentStatus, parent: dict, owner_id: int | None = None,
                   tag_ids=(), **profile) -> Student:
    """A new student with their first parent, who becomes the primary contact; sales own what they create."""
    campus = db.session.get(Campus, campus_id)
    if campus is None or not campus.is_active:
        raise FieldError("campus_id", _("请选择有效的校区。"))
    if status not in CREATE_STATUSES:
        raise FieldError("status", _("新学员的状态只能是潜在或在读。"))
    owner_id = by.id if is_sales(by) else _check_owner(campus_id, owner_id)
    _check_phone(campus_id, profile.get("phone"))
    student = Student(campus_id=campus_id, owner_id=owner_id, status=status)
    _apply_profile(student, profile)
    _set_manual_tags(student, tag_ids)
    db.session.add(student)
    db.session.flush()
    add_parent(student, **parent)
    return student


def update_student(student: Student, *, by: User, owner_id=UNCHANGED, tag_ids=None, **profile) -> Student:
    """Edit the profile (status and campus are not edited here); admins and managers may change the owner."""
    if owner_id is not UNCHANGED and is_office(by):
        student.owner_id = _check_owner(student.campus_id, owner_id, student.owner_id)
    if "phone" in profile:
        _check_phone(student.campus_id, profile["phone"], exclude_id=student.id)
    _apply_profile(student, profile)
    if tag_ids is not None:
        _set_manual_tags(student, tag_ids)
    db.session.flush()
    return student


# ---------- parents: exactly one primary ----------

def _parents_locked(student_id: int) -> list[Parent]:
    """The student's parents, locked so that two primary swaps cannot interleave."""
    lock_rows(Parent, select(Parent.id).where(Parent.student_id == student_id))
    return list(db.session.scalars(select(Parent).where(Parent.student_id == student_id).order_by(Parent.id)))


def _apply_parent(parent: Parent, values: dict) -> None:
    name = (values.get("name", parent.name) or "").strip()
    if not name:
        raise FieldError("name", _("请填写家长姓名。"))
    if values.get("phone"):
        check_phone(values["phone"])
    parent.name = name
    for key in ("relationship", "wechat_id"):
        if key in values:
            setattr(parent, "relationship_" if key == "relationship" else key, (values[key] or "").strip())
    if "phone" in values:
        parent.phone = values["phone"] or None
    if "email" in values:
        parent.email = values["email"] or None


def add_parent(student: Student, *, primary: bool = False, **values) -> Parent:
    """Add a parent; the first one (or one added as primary) becomes the single primary contact."""
    others = _parents_locked(student.id)
    parent = Parent(student_id=student.id, name="", is_primary=primary or not others)
    _apply_parent(parent, values)
    if parent.is_primary:
        for other in others:
            other.is_primary = False
    db.session.add(parent)
    db.session.flush()
    return parent


def update_parent(parent: Parent, **values) -> Parent:
    """Edit a parent's contact details (making one primary is make_primary's job)."""
    _apply_parent(parent, values)
    db.session.flush()
    return parent


def make_primary(parent: Parent) -> None:
    """Swap the primary contact to this parent, in one transaction."""
    for each in _parents_locked(parent.student_id):
        each.is_primary = each.id == parent.id
    db.session.flush()


def remove_parent(parent: Parent) -> None:
    """Remove a parent; the primary one is refused until another parent is made primary."""
    if parent.is_primary:
        raise DomainError(_("不能删除主要联系人，请先把另一位家长设为主要联系人。"))
    from eduflow.parents.invites import forget_invites  # the parent side builds on students, not the other way

    forget_invites(parent)
    db.session.delete(parent)
    db.session.flush()
