"""Rules shared by the people the school contacts — leads, students and their parents: the phone rule and the
duplicate-phone check, used alike by the forms, the services and the importer."""
from __future__ import annotations

import datetime as dt

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from eduflow.domain import FieldError
from eduflow.extensions import db
from eduflow.models import Lead, Student
from eduflow.i18n import school_today
from eduflow.security.crypto import blind_index
from eduflow.security.idcard import EARLIEST_BIRTH
from eduflow.security.phones import is_contact_phone, normalise_phone

PHONE_MESSAGE = _l("请输入正确的手机号码，或带区号的固定电话。")
BIRTH_MESSAGE = _l("请填写正确的出生日期（不能晚于今天）。")


def is_birth_date(day: dt.date | None) -> bool:
    """A person's birth date: not before 1900 and not after today on the school's clock."""
    return day is not None and EARLIEST_BIRTH <= day <= school_today()


def check_phone(raw: str | None, field: str = "phone") -> None:
    """Refuse a number that is neither a Chinese mobile nor a Chinese landline with its area code."""
    if not is_contact_phone(raw):
        raise FieldError(field, str(PHONE_MESSAGE))


def same_phone(model: type[Lead] | type[Student], campus_id: int, phone: str,
               exclude_id: int | None = None) -> Lead | Student | None:
    """A live lead (or student) of the campus with the same normalised phone, whoever owns it."""
    query = select(model).where(model.campus_id == campus_id, model.deleted_at.is_(None),
                                model.phone_hash == blind_index(normalise_phone(phone)))
    if exclude_id is not None:
        query = query.where(model.id != exclude_id)
    return db.session.scalars(query.order_by(model.id).limit(1)).first()


def duplicate_message(existing: Lead | Student) -> str:
    """Who holds the number (their owner's name only, the pool, or nobody) and what to do instead."""
    owner = existing.owner.display_name if existing.owner is not None else None
    if isinstance(existing, Lead):
        if owner is None:
            return _("该电话号码已在本校区登记，目前在公海中，请到公海领取，不要重复录入。")
        return _("该电话号码已在本校区登记，负责人：%(owner)s。请联系负责人，不要重复录入。", owner=owner)
    if owner is None:
        return _("该电话号码已登记为本校区的学员（暂无负责人），请不要重复录入。")
    return _("该电话号码已登记为本校区的学员，负责人：%(owner)s。请联系负责人，不要重复录入。", owner=owner)


def refuse_duplicate(model: type[Lead] | type[Student], campus_id: int, phone: str,
                     exclude_id: int | None = None) -> None:
    """A second live record of the campus with this number is refused, naming who holds the first."""
    existing = same_phone(model, campus_id, phone, exclude_id)
    if existing is not None:
        raise FieldError("phone", duplicate_message(existing))
