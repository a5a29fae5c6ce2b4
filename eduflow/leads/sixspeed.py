"""The six-speed sheet (六速跟进): the whole sheet saved at once on the version the user saw, the visit-time rules
field by field, and a modification log of every changed field.

The log stores canonical values, never display text: yes/no as YES/NO, a choice as its code, a time as
UTC "YYYY-MM-DD HH:MM"; the lead page renders them in the reader's language (leads.forms_detail).
"""
from __future__ import annotations

import datetime as dt
import enum

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from sqlalchemy.orm.exc import StaleDataError

from eduflow.domain import DomainError, FieldError, StaleRecord
from eduflow.extensions import db
from eduflow.models import Lead, SixSpeed, SixSpeedChange, Stickiness, User, utcnow

# Field name → label, in the order the sheet shows them (labels kept here, once).
FIELDS = {
    "purchase_power": _l("需求购买力"),
    "concept_awareness": _l("认知理念"),
    "preferred_class_time": _l("可选上课时间"),
    "distance": _l("距离"),
    "communication_notes": _l("沟通备注"),
    "promised_visit_at": _l("承诺到访时间"),
    "actual_visit_at": _l("实际到访时间"),
    "wechat_added": _l("是否加微信"),
    "first_visit_at": _l("一访时间"),
    "first_visit_status": _l("一访情况"),
    "second_visit_at": _l("二访时间"),
    "second_visit_status": _l("二访情况"),
    "is_closed": _l("是否关单"),
    "is_enrolled": _l("是否报名"),
    "consultation_remark": _l("面咨备注"),
    "chasing_mark": _l("追单标注"),
    "stickiness": _l("情感粘度"),
    "is_valid": _l("是否有效"),
}


def sheet_for(lead: Lead, by: User) -> SixSpeed:
    """The lead's sheet, created empty on first use (by `by`: who opened it counts in the reports)."""
    if lead.six_speed is None:
        lead.six_speed = SixSpeed(owner_id=lead.owner_id, opened_by_id=by.id)
        db.session.flush()
    return lead.six_speed


YES, NO = "true", "false"
LOGGED_TIME = "%Y-%m-%d %H:%M"


def logged_text(value) -> str:
    """A sheet value as the modification log stores it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return YES if value else NO
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, dt.datetime):
        return value.strftime(LOGGED_TIME)
    return str(value)


SHEET_CHANGED = _l("该六速表刚被他人修改，您填写的内容还在；请打开最新内容核对后再保存。")


def sheet_version(lead: Lead) -> int:
    """The version an editor saves on: 0 while the lead has no sheet yet."""
    return lead.six_speed.version if lead.six_speed is not None else 0


def _stickiness(value) -> Stickiness | None:
    if value in (None, ""):
        return None
    if isinstance(value, Stickiness):
        return value
    try:
        return Stickiness(value)
    except ValueError:
        raise FieldError("stickiness", _("情感粘度只能是高、中、低。")) from None


def visit_time_problems(values: dict, now: dt.datetime) -> dict[str, str]:
    """The visit-time rules broken by a whole sheet's values (naive UTC), as {field: message}: the actual visit
    neither before the promised one nor in the future, the second visit only after a first one, not before it."""
    problems = {}
    promised, actual = values.get("promised_visit_at"), values.get("actual_visit_at")
    if actual and actual > now:
        problems["actual_visit_at"] = _("实际到访时间不能晚于现在。")
    elif promised and actual and actual < promised:
        problems["actual_visit_at"] = _("实际到访时间不能早于承诺到访时间。")
    first, second = values.get("first_visit_at"), values.get("second_visit_at")
    if second and not first:
        problems["second_visit_at"] = _("请先填写一访时间，再填写二访时间。")
    elif first and second and second < first:
        problems["second_visit_at"] = _("二访时间不能早于一访时间。")
    return problems


def update_six_speed(lead: Lead, changes: dict, *, by: User, expected_version: int | None = None
                     ) -> list[SixSpeedChange]:
    """Apply field changes (all or none) on the sheet version the user saw (None: unchecked), log each changed
    field; the caller commits. A version moved meanwhile is a StaleRecord (409), a broken rule a FieldError."""
    unknown = set(changes) - set(FIELDS)
    if unknown:
        raise DomainError(_("未知的字段：%(fields)s", fields=", ".join(sorted(unknown))))
    if expected_version is not None and expected_version != sheet_version(lead):
        raise StaleRecord(str(SHEET_CHANGED))
    changes = dict(changes)
    if "stickiness" in changes:
        changes["stickiness"] = _stickiness(changes["stickiness"])
    current = {name: sheet_value(lead.six_speed, name) for name in FIELDS}
    now = utcnow()
    problems = visit_time_problems(current | changes, now)
    if problems:
        field, message = next(iter(problems.items()))
        raise FieldError(field, message)
    changed = {name: value for name, value in changes.items() if logged_text(value) != logged_text(current[name])}
    if not changed:
        return []
    sheet = lead.six_speed
    if sheet is None:  # one INSERT at version 1 (two first saves at once: the unique lead_id refuses the second)
        sheet = lead.six_speed = SixSpeed(owner_id=lead.owner_id, opened_by_id=by.id, **changed)
    else:
        for name, value in changed.items():
            setattr(sheet, name, value)
    try:
        db.session.flush()  # the UPDATE checks the version read: a concurrent save is a StaleRecord, not a crash
    except StaleDataError:
        raise StaleRecord(str(SHEET_CHANGED)) from None
    log = [SixSpeedChange(six_speed_id=sheet.id, field=name, old_value=logged_text(current[name]),
                          new_value=logged_text(value), changed_by_id=by.id, changed_at=now)
           for name, value in changed.items()]
    db.session.add_all(log)
    return log


def sheet_value(sheet: SixSpeed | None, name: str):
    """A field's value on the sheet, or the column's default while the lead has no sheet yet."""
    if sheet is not None:
        return getattr(sheet, name)
    default = SixSpeed.__table__.c[name].default
    return default.arg if default is not None and default.is_scalar else None
