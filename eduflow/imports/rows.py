"""What one row of an import means: read its cells through the mapping, check every rule, and say
whether it creates a record, updates the one with the same phone number, changes nothing, or is
rejected (with every reason). Applying a row lives here too, beside the rules; undoing one in imports/undo."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import select

from eduflow.access import LEAD_OWNERS, accounts_in, sales_accounts
from eduflow.contacts import is_birth_date, same_phone
from eduflow.extensions import db
from eduflow.i18n import to_utc
from eduflow.imports.fields import LEAD_FIELDS, parse_choice, parse_date, parse_datetime, parse_gender, split_names
from eduflow.models import (
    Course, CustomerLevel, ImportAction, ImportKind, Lead, LeadStage, LeadStageChange, Parent, SourceChannel, Student,
    StudentStatus, User, utcnow,
)
from eduflow.security.crypto import blind_index
from eduflow.security.emails import is_email, mask_email
from eduflow.security.idcard import is_valid_id_card, mask_id_card, normalise_id_card
from eduflow.security.phones import is_contact_phone, mask_phone, normalise_phone, parse_phone
from eduflow.system_texts import coded

# Fields an update may overwrite; stage, owner and campus change only through their own workflows.
LEAD_UPDATABLE = ("name", "contact_name", "contact_relation", "gender", "birth_date", "wechat_id", "email",
                  "source_id", "level", "consult_date", "notes")
STUDENT_UPDATABLE = ("name", "gender", "birth_date", "email", "id_card", "address", "source_id", "notes")


@dataclass
class Outcome:
    action: ImportAction
    errors: list[str] = field(default_factory=list)
    phone: str | None = None
    values: dict = field(default_factory=dict)  # the row's values, ready for the model
    existing: Lead | Student | None = None

    @property
    def message(self) -> str:
        return "；".join(self.errors)


class Context:
    """What every row of one batch is checked against, loaded once per processing step."""

    def __init__(self, kind: ImportKind, campus_id: int, mapping: dict[str, int]):
        self.kind, self.campus_id, self.mapping = kind, campus_id, mapping
        self.sources = {s.name.lower(): s for s in db.session.scalars(select(SourceChannel))}
        courses = list(db.session.scalars(select(Course)))
        self.courses = {c.name.lower(): c for c in courses}
        self.course_by_id = {c.id: c for c in courses}
        owners = accounts_in(LEAD_OWNERS) if kind == ImportKind.LEADS else sales_accounts()
        staff = db.session.scalars(select(User).where(User.campus_id == campus_id, User.is_active,
                                                      owners))
        self.owners: dict[str, User] = {}
        for user in staff:
            self.owners.setdefault(user.display_name.lower(), user)
            self.owners[user.username.lower()] = user

    def cell(self, cells: list[str], key: str) -> str:
        index = self.mapping.get(key)
        return cells[index].strip() if index is not None and index < len(cells) else ""


# ---------- reading a row ----------

def evaluate(context: Context, cells: list[str]) -> Outcome:
    reader = _read_lead if context.kind == ImportKind.LEADS else _read_student
    outcome = Outcome(ImportAction.CREATE)
    reader(context, cells, outcome)
    if outcome.errors:
        outcome.action = ImportAction.REJECT
        return outcome
    model, updatable = (Lead, LEAD_UPDATABLE) if context.kind == ImportKind.LEADS else (Student, STUDENT_UPDATABLE)
    outcome.existing = same_phone(model, context.campus_id, outcome.phone)
    if outcome.existing is not None:
        changes = _changes(outcome.existing, outcome.values, updatable)
        adds_courses = set(outcome.values.get("course_ids", ())) - {c.id for c in getattr(outcome.existing, "courses", [])}
        outcome.action = ImportAction.UPDATE if changes or adds_courses else ImportAction.UNCHANGED
    return outcome


def _changes(record, values: dict, updatable) -> dict:
    return {k: values[k] for k in updatable if k in values and getattr(record, k) != values[k]}


def _common(context: Context, cells: list[str], outcome: Outcome) -> None:
    """Name, phone, gender, birth date, e-mail, source, notes and the original entry time."""
    text = lambda key: context.cell(cells, key)  # noqa: E731
    errors, values = outcome.errors, outcome.values
    if not text("name"):
        errors.append(_("缺少姓名"))
    elif len(text("name")) > 64:
        errors.append(_("姓名太长"))
    else:
        values["name"] = text("name")
    phone = text("phone")
    if not phone:
        errors.append(_("缺少电话"))
    elif not is_contact_phone(phone):
        errors.append(_("电话号码无效：%(phone)s", phone=mask_phone(phone)))
    else:
        outcome.phone = normalise_phone(phone)
    _optional(text("gender"), parse_gender, "gender", values, errors, _("性别无法识别：%(value)s"))
    _optional(text("birth_date"), _birth_date, "birth_date", values, errors, _("出生日期无法识别：%(value)s"))
    if text("email"):
        if not is_email(text("email")):
            errors.append(_("邮箱格式不正确：%(value)s", value=mask_email(text("email"))))
        else:
            values["email"] = text("email")
    if text("source"):
        source = context.sources.get(text("source").lower())
        if source is None:
            errors.append(_("未知的来源渠道：%(value)s", value=text("source")))
        else:
            values["source_id"] = source.id
    if text("notes"):
        values["notes"] = text("notes")
    _optional(text("created_at"), parse_datetime, "created_at", values, errors, _("录入时间无法识别：%(value)s"))
    if "created_at" in values:
        values["created_at"] = to_utc(values["created_at"])
    if text("owner"):
        owner = context.owners.get(text("owner").lower())
        if owner is None:
            errors.append(_("负责人「%(value)s」不是本校区在职的员工", value=text("owner")))
        else:
            values["owner_id"] = owner.id


def _birth_date(raw: str) -> dt.date | None:
    """A birth date the lead and student forms would accept too (eduflow.contacts)."""
    day = parse_date(raw)
    return day if is_birth_date(day) else None


def _optional(raw: str, parse, key: str, values: dict, errors: list, message: str) -> None:
    if not raw:
        return
    value = parse(raw)
    if value is None:
        errors.append(message % {"value": raw})
    else:
        values[key] = value


def _read_lead(context: Context, cells: list[str], outcome: Outcome) -> None:
    _common(context, cells, outcome)
    text = lambda key: context.cell(cells, key)  # noqa: E731
    errors, values = outcome.errors, outcome.values
    for key, limit in (("contact_name", 64), ("contact_relation", 32), ("wechat_id", 64), ("lost_reason", 255)):
        if len(text(key)) > limit:
            errors.append(_("%(field)s 太长", field=next(str(f.label) for f in LEAD_FIELDS if f.key == key)))
        elif text(key):
            values[key] = text(key)
    _optional(text("consult_date"), parse_date, "consult_date", values, errors, _("咨询日期无法识别：%(value)s"))
    _optional(text("level"), lambda v: parse_choice(CustomerLevel, v), "level", values, errors,
              _("客户等级无法识别：%(value)s"))
    for key in ("last_followup_at", "next_followup_at"):
        _optional(text(key), parse_datetime, key, values, errors, _("跟进时间无法识别：%(value)s"))
        if key in values:
            values[key] = to_utc(values[key])
    if text("courses"):
        names = split_names(text("courses"))
        unknown = [n for n in names if n.lower() not in context.courses]
        if unknown:
            errors.append(_("未知的课程：%(value)s", value=_("、").join(unknown)))
        else:
            values["course_ids"] = sorted({context.courses[n.lower()].id for n in names})
    _stage(text("stage"), values, errors)
    _referrer(context, text("referrer"), values, errors)


def _stage(raw: str, values: dict, errors: list) -> None:
    stage = parse_choice(LeadStage, raw) if raw else LeadStage.NEW
    if stage is None:
        errors.append(_("跟进阶段无法识别：%(value)s", value=raw))
    elif stage == LeadStage.CONVERTED:
        errors.append(_("已转化的客户请以学员导入"))
    elif stage == LeadStage.LOST and not values.get("lost_reason"):
        errors.append(_("已流失的线索需要填写流失原因"))
    else:
        values["stage"] = stage


def _referrer(context: Context, raw: str, values: dict, errors: list) -> None:
    """转介绍 names the referring student: a live student of the campus, by phone or by a unique name."""
    source_id = values.get("source_id")
    is_referral = source_id is not None and any(s.id == source_id and s.is_referral for s in context.sources.values())
    if not is_referral:
        return
    if not raw:
        errors.append(_("来源为转介绍时必须填写推荐学员"))
        return
    query = select(Student.id).where(Student.campus_id == context.campus_id, Student.deleted_at.is_(None))
    number = parse_phone(raw)
    if number is not None:
        query = query.where(Student.phone_hash == blind_index(normalise_phone(raw)))
    else:
        query = query.where(Student.name == raw)
    found = list(db.session.scalars(query.limit(2)))
    if len(found) != 1:
        shown = mask_phone(raw) if any(ch.isdigit() for ch in raw) else raw  # a phone, or a name
        errors.append(_("推荐学员「%(value)s」不存在或有重名，请填写其电话", value=shown))
    else:
        values["referrer_student_id"] = found[0]


def _read_student(context: Context, cells: list[str], outcome: Outcome) -> None:
    _common(context, cells, outcome)
    text = lambda key: context.cell(cells, key)  # noqa: E731
    errors, values = outcome.errors, outcome.values
    if text("id_card"):
        if not is_valid_id_card(text("id_card")):
            errors.append(_("身份证号码无效：%(value)s", value=mask_id_card(normalise_id_card(text("id_card")))))
        else:
            values["id_card"] = normalise_id_card(text("id_card"))
    if len(text("address")) > 255:
        errors.append(_("地址太长"))
    elif text("address"):
        values["address"] = text("address")
    _optional(text("status"), lambda v: parse_choice(StudentStatus, v), "status", values, errors,
              _("学员状态无法识别：%(value)s"))
    for key, limit in (("parent_name", 64), ("parent_relation", 32)):
        if len(text(key)) > limit:
            errors.append(_("家长信息太长"))
        elif text(key):
            values[key] = text(key)
    if text("parent_phone"):
        if not is_contact_phone(text("parent_phone")):
            errors.append(_("家长电话无效：%(value)s", value=mask_phone(text("parent_phone"))))
        else:
            values["parent_phone"] = normalise_phone(text("parent_phone"))


# ---------- applying a row ----------

def apply(context: Context, outcome: Outcome, by: User) -> tuple[Lead | Student, dict | None]:
    """Create or update the record (the caller flushes once per step); returns it and, for an update,
    the values it replaced."""
    if outcome.action == ImportAction.CREATE:
        create = _create_lead if context.kind == ImportKind.LEADS else _create_student
        return create(context, outcome), None
    record = outcome.existing
    updatable = LEAD_UPDATABLE if context.kind == ImportKind.LEADS else STUDENT_UPDATABLE
    changes = _changes(record, outcome.values, updatable)
    before = {k: _plain(getattr(record, k)) for k in changes}
    for key, value in changes.items():
        setattr(record, key, value)
    if context.kind == ImportKind.LEADS and "course_ids" in outcome.values:
        before["course_ids"] = sorted(c.id for c in record.courses)
        wanted = set(outcome.values["course_ids"]) | set(before["course_ids"])
        record.courses = [context.course_by_id[i] for i in sorted(wanted)]
    record.updated_at = utcnow()
    return record, before


def after_flush(context: Context, created: list, by: User) -> None:
    """What new records need once they have ids: a lead's first stage change, dated when it was entered."""
    if context.kind == ImportKind.LEADS:
        db.session.add_all([LeadStageChange(lead_id=lead.id, from_stage=None, to_stage=lead.stage, reason=coded("import"),
                                            changed_by_id=by.id, changed_at=lead.created_at) for lead in created])


def _plain(value):
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value.value if hasattr(value, "value") else value


def _create_lead(context: Context, outcome: Outcome) -> Lead:
    values, now = outcome.values, utcnow()
    owner_id = values.get("owner_id")
    lead = Lead(campus_id=context.campus_id, owner_id=owner_id, owner_assigned_at=now if owner_id else None,
                stage=values["stage"], tags=[], created_at=values.get("created_at", now),
                courses=[context.course_by_id[i] for i in values.get("course_ids", ())])
    for key in (*LEAD_UPDATABLE, "lost_reason", "last_followup_at", "next_followup_at", "referrer_student_id"):
        if key in values:
            setattr(lead, key, values[key])
    lead.phone = outcome.phone
    db.session.add(lead)
    return lead


def _create_student(context: Context, outcome: Outcome) -> Student:
    values, now = outcome.values, utcnow()
    student = Student(campus_id=context.campus_id, owner_id=values.get("owner_id"),
                      status=values.get("status", StudentStatus.ACTIVE), created_at=values.get("created_at", now))
    for key in STUDENT_UPDATABLE:
        if key in values:
            setattr(student, key, values[key])
    student.phone = outcome.phone
    parent = Parent(name=values.get("parent_name") or _("%(name)s的家长", name=student.name),
                    relationship_=values.get("parent_relation", ""), is_primary=True)
    parent.phone = values.get("parent_phone") or outcome.phone
    student.parents.append(parent)
    db.session.add(student)
    return student

