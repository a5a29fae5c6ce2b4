"""Pool rules as services: release, claim first come first served within the cap, manager assignment."""
import pytest

from eduflow.domain import DomainError, LimitReached
from eduflow.extensions import db
from eduflow.leads.pool import assign, claim, release
from eduflow.models import LeadPoolEvent, LeadStage, PoolAction, utcnow
from eduflow.settings import settings_for


def _events(lead):
    return [e.action for e in db.session.query(LeadPoolEvent).filter_by(lead_id=lead.id).order_by(LeadPoolEvent.id)]


def test_release_then_claim_is_recorded_on_the_lead(make_lead, users):
    lead = make_lead()
    release(lead, by=users["sales"], reason="联系不上")
    db.session.commit()
    assert lead.owner_id is None
    claimed = claim(lead.id, by=users["sales2"])
    db.session.commit()
    assert claimed.owner_id == users["sales2"].id
    assert _events(lead) == [PoolAction.RELEASE, PoolAction.CLAIM]


def test_second_claim_of_the_same_lead_finds_no_lead(make_lead, users):
    lead = make_lead(owner=None)
    claim(lead.id, by=users["sales"])
    db.session.commit()
    assert claim(lead.id, by=users["sales2"]) is None
    assert lead.owner_id == users["sales"].id


def test_claim_respects_the_holding_cap(make_lead, users, campuses):
    settings_for(campuses[0].id).max_open_leads = 1
    make_lead(name="已有")
    pool_lead = make_lead(name="公海", owner=None)
    with pytest.raises(LimitReached):
        claim(pool_lead.id, by=users["sales"])


def test_closed_leads_do_not_count_towards_the_cap(make_lead, users, campuses):
    settings_for(campuses[0].id).max_open_leads = 1
    make_lead(name="已流失", stage=LeadStage.LOST)
    claimed = claim(make_lead(name="公海", owner=None).id, by=users["sales"])
    assert claimed is not None and claimed.owner_id == users["sales"].id


@pytest.mark.parametrize("where", [
    {"owner": None, "campus": 1}, {"owner": "sales2"}, {"owner": None, "stage": LeadStage.LOST},
    {"owner": None, "stage": LeadStage.CONVERTED}, {"owner": None, "deleted_at": utcnow()},
])
def test_a_lead_the_user_cannot_claim_is_no_lead_at_all(make_lead, users, where):
    lead = make_lead(**where)
    owner = lead.owner_id
    assert claim(lead.id, by=users["sales"]) is None
    assert claim(999_999, by=users["sales"]) is None
    db.session.expire_all()
    assert lead.owner_id == owner
    assert _events(lead) == []


def test_manager_assigns_many_leads_at_once(make_lead, users):
    leads = [make_lead(name=f"线索{i}", owner=None) for i in range(3)]
    moved = assign(leads, to_user=users["sales2"], by=users["manager"])
    db.session.commit()
    assert moved == 3 and all(lead.owner_id == users["sales2"].id for lead in leads)
    assert _events(leads[0]) == [PoolAction.ASSIGN]


def test_assignment_to_another_campus_is_refused(make_lead, users):
    with pytest.raises(DomainError):
        assign([make_lead()], to_user=users["sales_b"], by=users["admin"])
