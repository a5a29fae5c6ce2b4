"""The six-speed sheet (六速跟进): field edits with the visit-time rules and a modification log.

The log stores canonical values, never display text: yes/no as YES/NO, a choice as its code, a time as
UTC "YYYY-MM-DD HH:MM"; the lead page renders them in the reader's language (leads.forms_detail).
"""
from __future__ import annotations

import datetime as dt
import enum

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from eduflow.domain import DomainError
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


def _stickiness(value) -> Stickiness | None:
    if value in (None, ""):
        return None
    try:
        return Stickiness(value)
    except ValueError:
        raise DomainError(_("情感粘度只能是高、中、低。")) from None


def _check_visit_rules(values: dict) -> None:
    promised, actual = values["promised_visit_at"], values["actual_visit_at"]
    if promised and actual and actual < promised:
        raise DomainError(_("实际到访时间不能早于承诺到访时间。"))
    first, second = values["first_visit_at"], values["second_visit_at"]
    if second and not first:
        raise DomainError(_("请先填写一访时间，再填写二访时间。"))
    if first and second and second < first:
        raise DomainError(_("二访时间不能早于一访时间。"))


def update_six_speed(lead: Lead, changes: dict, *, by: User) -> list[SixSpeedChange]:
    """Apply field changes (all or none), log each changed field; the caller commits."""
    unknown = set(changes) - set(FIELDS)
    if unknown:
        raise DomainError(_("未知的字段：%(fields)s", fields=", ".join(sorted(unknown))))
    sheet = sheet_for(lead, by)
    if "stickiness" in changes:
        changes["stickiness"] = _stickiness(changes["stickiness"])
    current = {name: getattr(sheet, name) for name in FIELDS}
    merged = current | changes
    _check_visit_rules(merged)
    log = []
    now = utcnow()
    for name, value in changes.items():
        if logged_text(value) == logged_text(current[name]):
            continue
        setattr(sheet, name, value)
        log.append(SixSpeedChange(six_speed_id=sheet.id, field=name, old_value=logged_text(current[name]),
                                  new_value=logged_text(value), changed_by_id=by.id, changed_at=now))
    db.session.add_all(log)
    return log
