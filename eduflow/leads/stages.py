"""Lead stage rules: which moves are legal, the optimistic lock, and the stage history."""
from __future__ import annotations

from flask_babel import gettext as _

from eduflow.domain import DomainError, StaleRecord
from eduflow.extensions import db
from eduflow.models import Lead, LeadStage, LeadStageChange, User, utcnow
from eduflow.rollups import sales as _sales_rollups  # noqa: F401 - keeps the report rollups with every flush

OPEN_STAGES = (LeadStage.NEW, LeadStage.CONTACTED, LeadStage.INTENT, LeadStage.PENDING)
CLOSED_STAGES = (LeadStage.CONVERTED, LeadStage.LOST)


def check_version(lead: Lead, expected_version: int | None) -> None:
    """Refuse a change made on a stale copy of the lead."""
    if expected_version is not None and expected_version != lead.version:
        raise StaleRecord(_("该线索已被他人修改，已为您显示最新内容，请确认后重试。"))


def can_move(from_stage: LeadStage, to_stage: LeadStage) -> bool:
    """Open stages move freely among themselves or to 已流失; 已流失 reopens to 新咨询 only.
    已转化 is reached only through conversion and never left."""
    if from_stage == to_stage:
        return False
    if from_stage in OPEN_STAGES:
        return to_stage in OPEN_STAGES or to_stage == LeadStage.LOST
    return from_stage == LeadStage.LOST and to_stage == LeadStage.NEW


def change_stage(lead: Lead, to_stage: LeadStage, *, by: User, expected_version: int | None = None,
                 reason: str = "", via_conversion: bool = False) -> LeadStageChange:
    """Move a lead to another stage, recording who moved it, when, from and to; the caller commits."""
    check_version(lead, expected_version)
    if to_stage == LeadStage.CONVERTED and not via_conversion:
        raise DomainError(_("线索只能通过“转化”操作变为已转化。"))
    legal = via_conversion and lead.stage in OPEN_STAGES and to_stage == LeadStage.CONVERTED
    if not legal and not can_move(lead.stage, to_stage):
        raise DomainError(_("不能从“%(from)s”移到“%(to)s”。", **{"from": lead.stage.label, "to": to_stage.label}))
    reason = (reason or "").strip()
    if to_stage == LeadStage.LOST and not reason:
        raise DomainError(_("标记为已流失需要填写流失原因。"))
    change = LeadStageChange(lead_id=lead.id, from_stage=lead.stage, to_stage=to_stage, reason=reason[:255],
                             changed_by_id=by.id, changed_at=utcnow())
    lead.stage = to_stage
    lead.lost_reason = reason[:255] if to_stage == LeadStage.LOST else ""
    db.session.add(change)
    return change
