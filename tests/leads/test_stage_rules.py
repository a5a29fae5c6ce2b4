"""Stage rules as services: legal moves, the lost reason, conversion only by conversion, the lock."""
import pytest

from eduflow.domain import DomainError, StaleRecord
from eduflow.extensions import db
from eduflow.leads.stages import can_move, change_stage
from eduflow.models import LeadStage, LeadStageChange


def test_open_stages_move_freely_and_history_is_recorded(make_lead, users):
    lead = make_lead()
    change_stage(lead, LeadStage.INTENT, by=users["sales"])
    change_stage(lead, LeadStage.CONTACTED, by=users["sales"])
    db.session.commit()
    history = db.session.query(LeadStageChange).filter_by(lead_id=lead.id).order_by(LeadStageChange.id).all()
    assert [(h.from_stage, h.to_stage) for h in history] == [
        (LeadStage.NEW, LeadStage.INTENT), (LeadStage.INTENT, LeadStage.CONTACTED)]
    assert history[0].changed_by_id == users["sales"].id


def test_lost_needs_a_reason(make_lead, users):
    lead = make_lead()
    with pytest.raises(DomainError, match="流失原因"):
        change_stage(lead, LeadStage.LOST, by=users["sales"], reason="  ")
    change_stage(lead, LeadStage.LOST, by=users["sales"], reason="价格太高")
    assert lead.lost_reason == "价格太高"


def test_lost_reopens_only_to_new(make_lead, users):
    lead = make_lead(stage=LeadStage.LOST, lost_reason="搬家")
    with pytest.raises(DomainError):
        change_stage(lead, LeadStage.INTENT, by=users["sales"])
    change_stage(lead, LeadStage.NEW, by=users["sales"])
    assert lead.stage == LeadStage.NEW and lead.lost_reason == ""


def test_converted_is_reached_only_through_conversion_and_never_left(make_lead, users):
    lead = make_lead(stage=LeadStage.PENDING)
    with pytest.raises(DomainError, match="转化"):
        change_stage(lead, LeadStage.CONVERTED, by=users["sales"])
    change_stage(lead, LeadStage.CONVERTED, by=users["sales"], via_conversion=True)
    assert not any(can_move(LeadStage.CONVERTED, stage) for stage in LeadStage)


def test_a_stale_version_is_refused_and_changes_nothing(make_lead, users):
    lead = make_lead()
    seen = lead.version
    change_stage(lead, LeadStage.CONTACTED, by=users["sales"], expected_version=seen)
    db.session.commit()
    with pytest.raises(StaleRecord):
        change_stage(lead, LeadStage.INTENT, by=users["sales2"], expected_version=seen)
    assert lead.stage == LeadStage.CONTACTED


def test_moving_to_the_same_stage_is_refused(make_lead, users):
    with pytest.raises(DomainError):
        change_stage(make_lead(), LeadStage.NEW, by=users["sales"])
