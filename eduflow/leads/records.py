"""Lead records: create and edit (duplicate check by phone, referral rule, optimistic lock), soft delete
and restore, and the choices the lead form offers."""
from __future__ import annotations

import datetime as dt

from flask_babel import gettext as _
from sqlalchemy import Select, select
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.exc import StaleDataError

from eduflow.access import (
    LEAD_OWNERS, DeletedLead, accounts_in, is_admin, is_manager, is_sales, manages_campus, scoped,
)
from eduflow.contacts import check_phone, refuse_duplicate
from eduflow.domain import DomainError, FieldError, StaleRecord
from eduflow.extensions import db
from eduflow.leads.pool import check_cap, tell_new_owner
from eduflow.leads.stages import OPEN_STAGES, check_version
from eduflow.models import (
    Course, Lead, LeadStage, LeadStageChange, SourceChannel, Student, Tag, TagKind, User, utcnow,
)
from eduflow.reference import active_campuses, manual_tags
from eduflow.security.phones import normalise_phone

SCALAR_FIELDS = {"name", "gender", "birth_date", "contact_name", "contact_relation", "wechat_id", "email",
                 "consult_date", "level", "is_valid", "notes"}
EDITABLE = SCALAR_FIELDS | {"phone", "source_id", "referrer_student_id", "course_ids", "tag_ids"}


def _check_phone(campus_id: int, raw: str | None, exclude_id: int | None = None) -> None:
    """A lead needs a number the school can call, that no live lead of the campus has (eduflow.contacts)."""
    check_phone(raw)
    refuse_duplicate(Lead, campus_id, raw, exclude_id)


# ---------- choices the lead form offers (and the service re-checks) ----------

def assignable_owners(campus_id: int | None = None) -> list[User]:
    """Active sales staff and managers who may own a lead: of one campus, or of every campus (None)."""
    query = select(User).where(User.is_active, accounts_in(LEAD_OWNERS), User.campus_id.is_not(None))
    if campus_id is not None:
        query = query.where(User.campus_id == campus_id)
    return list(db.session.scalars(query.order_by(User.campus_id, User.display_name)))


def selectable_courses(current_ids=()) -> list[Course]:
    """Active courses, plus the ones the lead already wants even when they were switched off."""
    query = select(Course).where(Course.is_active | Course.id.in_(list(current_ids)))
    return list(db.session.scalars(query.order_by(Course.name)))


# ---------- applying the values ----------

def _source(source_id: int | None, current_id: int | None) -> SourceChannel | None:
    if source_id is None:
        return None
    source = db.session.get(SourceChannel, source_id)
    if source is None or not (source.is_active or source.id == current_id):
        raise FieldError("source_id", _("请选择有效的来源渠道。"))
    return source


def _referrer(lead: Lead, referrer_id: int | None, by: User) -> int | None:
    """转介绍 needs a referring student the user may see, of the lead's campus; other sources keep none."""
    if lead.source is None or not lead.source.is_referral:
        return None
    if referrer_id is None:
        raise FieldError("referrer_student_id", _("来源为转介绍时必须选择推荐学员。"))
    if referrer_id == lead.referrer_student_id:
        return referrer_id
    found = db.session.scalar(scoped(Student, by).where(Student.id == referrer_id, Student.campus_id == lead.campus_id))
    if found is None:
        raise FieldError("referrer_student_id", _("推荐学员不存在或不在您的权限范围内。"))
    return referrer_id


def _courses(ids, current: list[Course]) -> list[Course]:
    wanted = set(ids)
    allowed = {c.id: c for c in selectable_courses([c.id for c in current])}
    if not wanted <= set(allowed):
        raise FieldError("course_ids", _("请选择有效的意向课程。"))
    return [allowed[i] for i in sorted(wanted)]


def _tags(ids, current: list[Tag]) -> list[Tag]:
    """The manual tags chosen; system tags already on the lead stay as they are."""
    wanted = set(ids)
    allowed = {t.id: t for t in manual_tags()}
    if not wanted <= set(allowed):
        raise FieldError("tag_ids", _("请选择有效的标签。"))
    return [t for t in current if t.kind == TagKind.SYSTEM] + [allowed[i] for i in sorted(wanted)]


def _apply(lead: Lead, values: dict, by: User) -> None:
    """Set the given values on the lead, checking each rule; the referral rule sees the merged result."""
    unknown = set(values) - EDITABLE
    if unknown:
        raise DomainError(_("未知的字段：%(fields)s", fields=", ".join(sorted(unknown))))
    with db.session.no_autoflush:  # one UPDATE at the end, where the version check is caught
        _set_values(lead, values, by)


def _set_values(lead: Lead, values: dict, by: User) -> None:
    for name in SCALAR_FIELDS & set(values):
        setattr(lead, name, values[name])
    if "name" in values and not (values["name"] or "").strip():
        raise FieldError("name", _("请填写姓名。"))
    if lead.email == "":
        lead.email = None
    if "phone" in values:
        lead.phone = values["phone"]
    if "source_id" in values:
        lead.source = _source(values["source_id"], lead.source_id)
    lead.referrer_student_id = _referrer(lead, values.get("referrer_student_id", lead.referrer_student_id), by)
    if "course_ids" in values:
        lead.courses = _courses(values["course_ids"], list(lead.courses))
    if "tag_ids" in values:
        lead.tags = _tags(values["tag_ids"], list(lead.tags))


# ---------- create and edit ----------

def _placement(by: User, campus_id: int | None, owner_id: int | None) -> tuple[int, User | None]:
    """Sales staff own what they create on their campus; a manager picks the owner (or the pool) on theirs;
    an admin picks the campus too."""
    if is_sales(by):
        return by.campus_id, by
    if is_manager(by):
        campus_id = by.campus_id
    elif not is_admin(by):
        raise DomainError(_("只有课程顾问、主管和管理员可以录入线索。"))
    if campus_id is None or campus_id not in {c.id for c in active_campuses()}:
        raise FieldError("campus_id", _("请选择校区。"))
    if owner_id is None:
        return campus_id, None
    owner = next((u for u in assignable_owners(campus_id) if u.id == owner_id), None)
    if owner is None:
        raise FieldError("owner_id", _("负责人必须是该校区在职的课程顾问或主管。"))
    return campus_id, owner


def create_lead(values: dict, *, by: User, campus_id: int | None = None, owner_id: int | None = None) -> Lead:
    """Record a new enquiry at stage 新咨询, refusing a phone number the campus already has; the caller commits."""
    campus_id, owner = _placement(by, campus_id, owner_id)
    _check_phone(campus_id, values.get("phone"))
    if owner is not None:
        check_cap(owner, 1)
    now = utcnow()
    lead = Lead(campus_id=campus_id, owner_id=owner.id if owner else None, owner_assigned_at=now if owner else None,
                stage=LeadStage.NEW, courses=[], tags=[])
    db.session.add(lead)
    _apply(lead, values, by)
    db.session.flush()
    db.session.add(LeadStageChange(lead_id=lead.id, from_stage=None, to_stage=LeadStage.NEW, changed_by_id=by.id,
                                   changed_at=now))
    if owner is not None:
        tell_new_owner([lead], owner, by=by)
    return lead


def _flush(lead: Lead) -> None:
    """Write now, so that a concurrent change caught by the version column is a StaleRecord, not a crash."""
    try:
        db.session.flush()
    except StaleDataError:
        raise StaleRecord(_("该线索已被他人修改，已为您显示最新内容，请确认后重试。")) from None


def update_lead(lead: Lead, changes: dict, *, by: User, expected_version: int | None) -> Lead:
    """Edit a lead's details (not its stage, owner or campus) on the version the user saw; the caller commits."""
    check_version(lead, expected_version)
    if "phone" in changes and not (changes["phone"] and normalise_phone(changes["phone"]) == lead.phone):
        _check_phone(lead.campus_id, changes["phone"], exclude_id=lead.id)
    _apply(lead, changes, by)
    lead.updated_at = utcnow()  # a row UPDATE even when only courses or tags changed, so the version moves
    _flush(lead)
    return lead


# ---------- soft delete and restore ----------

def _check_manager(lead: Lead, by: User) -> None:
    if not manages_campus(by, lead.campus_id):
        raise DomainError(_("只有本校区主管或管理员可以删除或恢复线索。"))


def soft_delete(lead: Lead, *, by: User) -> None:
    """Hide a lead from every list and page; a manager can restore it. Converted leads stay."""
    _check_manager(lead, by)
    if lead.is_deleted:
        raise DomainError(_("该线索已删除。"))
    if lead.stage == LeadStage.CONVERTED:
        raise DomainError(_("已转化的线索关联着学员，不能删除。"))
    lead.deleted_at = utcnow()
    _flush(lead)


def restore(lead: Lead, *, by: User) -> None:
    """Bring a deleted lead back as it was, unless the campus has meanwhile recorded its phone number again."""
    _check_manager(lead, by)
    if not lead.is_deleted:
        raise DomainError(_("该线索未被删除。"))
    if lead.phone:
        refuse_duplicate(Lead, lead.campus_id, lead.phone, lead.id)
    if lead.owner is not None and not lead.owner.is_active:
        lead.owner_id, lead.owner_assigned_at = None, None
    lead.deleted_at = None
    _flush(lead)


def deleted_leads(user: User) -> Select:
    """Deleted leads the user may restore: their campus's for a manager, all for an admin, none otherwise."""
    return scoped(DeletedLead, user)


# ---------- list helpers ----------

def with_list_details(query: Select) -> Select:
    """Load what a list row shows in a few queries instead of several per row."""
    return query.options(selectinload(Lead.owner), selectinload(Lead.source), selectinload(Lead.courses),
                         selectinload(Lead.tags))


def is_overdue(lead: Lead, now: dt.datetime) -> bool:
    return lead.next_followup_at is not None and lead.next_followup_at < now and lead.stage in OPEN_STAGES
