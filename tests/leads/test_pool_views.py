"""The pool over HTTP: browse the campus pool, claim first come first served, release, assign many."""
import re

import pytest
from sqlalchemy import select

from eduflow.extensions import db
from eduflow.models import Lead, LeadPoolEvent, LeadStage, PoolAction
from eduflow.settings import settings_for

HX = {"HX-Request": "true"}
# A page's CSRF token is signed with the second it was made: two pages a second apart differ there only.
CSRF_TOKEN = re.compile(r'(name="csrf[-_]token" (?:content|value)=")[^"]*"')


def _without_token(response) -> str:
    return CSRF_TOKEN.sub(r'\1"', response.get_data(as_text=True))


def _owner(lead):
    return db.session.scalar(select(Lead.owner_id).where(Lead.id == lead.id))


def test_sales_see_their_campus_pool_but_not_owned_or_other_campus_leads(client, login_as, make_lead):
    make_lead(name="公海甲", owner=None)
    make_lead(name="公海流失", owner=None, stage=LeadStage.LOST)
    make_lead(name="同事的", owner="sales2")
    make_lead(name="二校公海", owner=None, campus=1)
    login_as("sales")
    html = client.get("/leads/pool").get_data(as_text=True)
    assert "公海甲" in html
    assert all(name not in html for name in ("公海流失", "同事的", "二校公海"))
    assert 'data-testid="assign-form"' not in html  # assigning is for managers


def test_the_pool_is_searched_and_paged(client, login_as, make_lead, app):
    for i in range(app.config["PAGE_SIZE"] + 1):
        make_lead(name=f"公海{i}", owner=None)
    make_lead(name="张三", owner=None)
    login_as("sales")
    assert "张三" in client.get("/leads/pool?q=zs").get_data(as_text=True)
    assert "公海0" not in client.get("/leads/pool?q=zs").get_data(as_text=True)
    assert "/leads/pool?page=2" in client.get("/leads/pool").get_data(as_text=True)


def test_an_admin_chooses_the_campus(client, login_as, make_lead, campuses):
    make_lead(name="一校公海", owner=None)
    make_lead(name="二校公海", owner=None, campus=1)
    login_as("admin")
    assert "一校公海" in client.get("/leads/pool").get_data(as_text=True)
    html = client.get(f"/leads/pool?campus={campuses[1].id}").get_data(as_text=True)
    assert "二校公海" in html and "一校公海" not in html


def test_claiming_answers_the_row_and_the_lead_is_mine(client, login_as, make_lead, users):
    lead = make_lead(owner=None)
    login_as("sales")
    response = client.post(f"/leads/{lead.id}/claim", headers=HX)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and f'data-testid="claimed-{lead.id}"' in html and "<html" not in html
    assert _owner(lead) == users["sales"].id


@pytest.mark.parametrize("where", [{"owner": "sales2"}, {"owner": None, "stage": LeadStage.LOST},
                                   {"owner": None, "campus": 1}])
@pytest.mark.parametrize("headers", [HX, {}])
def test_a_lead_the_user_cannot_claim_answers_exactly_like_an_unknown_one(client, login_as, make_lead, users,
                                                                          where, headers):
    lead = make_lead(**where)
    owner = _owner(lead)
    login_as("sales")
    unclaimable = client.post(f"/leads/{lead.id}/claim", headers=headers)
    unknown = client.post("/leads/999999/claim", headers=headers)
    assert unclaimable.status_code == unknown.status_code == 404
    assert _without_token(unclaimable) == _without_token(unknown)
    assert _owner(lead) == owner


def test_claiming_past_the_cap_is_refused(client, login_as, make_lead, campuses, users):
    settings_for(campuses[0].id).max_open_leads = 1
    make_lead(name="已有")
    lead = make_lead(name="公海", owner=None)
    login_as("sales")
    response = client.post(f"/leads/{lead.id}/claim", headers=HX)
    assert response.status_code == 422 and "上限" in response.get_data(as_text=True)
    assert _owner(lead) is None


def test_claiming_another_campus_lead_is_not_found(client, login_as, make_lead):
    lead = make_lead(owner=None, campus=1)
    login_as("sales")
    assert client.post(f"/leads/{lead.id}/claim", headers=HX).status_code == 404
    assert client.post("/leads/999999/claim", headers=HX).status_code == 404


def test_claiming_without_htmx_flashes_and_returns_to_the_pool(client, login_as, make_lead):
    lead = make_lead(owner=None, name="小红")
    login_as("sales")
    response = client.post(f"/leads/{lead.id}/claim", follow_redirects=True)
    assert "已领取 小红" in response.get_data(as_text=True)


def test_the_owner_releases_with_a_reason(client, login_as, make_lead):
    lead = make_lead()
    login_as("sales")
    response = client.post(f"/leads/{lead.id}/release", data={"reason": "联系不上"}, headers=HX)
    assert response.headers["HX-Redirect"].startswith("/leads/pool")
    assert _owner(lead) is None
    event = db.session.scalar(select(LeadPoolEvent))
    assert (event.action, event.reason) == (PoolAction.RELEASE, "联系不上")


def test_release_without_a_reason_changes_nothing(client, login_as, make_lead, users):
    lead = make_lead()
    login_as("sales")
    response = client.post(f"/leads/{lead.id}/release", data={"reason": "  "})
    assert response.status_code == 302 and response.headers["Location"] == f"/leads/{lead.id}"
    assert _owner(lead) == users["sales"].id


def test_a_manager_releases_a_campus_lead_but_a_colleague_cannot(client, login_as, make_lead):
    lead = make_lead()
    login_as("sales2")
    assert client.post(f"/leads/{lead.id}/release", data={"reason": "x"}).status_code == 404
    login_as.logout()
    login_as("manager")
    client.post(f"/leads/{lead.id}/release", data={"reason": "x"})
    assert _owner(lead) is None


def test_a_manager_assigns_many_leads_at_once(client, login_as, make_lead, users):
    leads = [make_lead(name=f"公海{i}", owner=None) for i in range(3)]
    login_as("manager")
    response = client.post("/leads/assign", data={"lead_ids": [lead.id for lead in leads],
                                                  "to_user": users["sales2"].id}, follow_redirects=True)
    assert "已将 3 条线索分配给 Sales2" in response.get_data(as_text=True)
    assert [_owner(lead) for lead in leads] == [users["sales2"].id] * 3


def test_assigning_needs_leads_and_a_salesperson(client, login_as, make_lead, users):
    lead = make_lead(owner=None)
    login_as("manager")
    html = client.post("/leads/assign", data={"to_user": users["sales2"].id}, follow_redirects=True).get_data(
        as_text=True)
    assert "请至少勾选一条线索" in html
    html = client.post("/leads/assign", data={"lead_ids": [lead.id]}, follow_redirects=True).get_data(as_text=True)
    assert "请选择课程顾问" in html and _owner(lead) is None


def test_a_manager_cannot_assign_another_campus_lead_or_to_another_campus(client, login_as, make_lead, users):
    other = make_lead(owner=None, campus=1)
    mine = make_lead(owner=None)
    login_as("manager")
    assert client.post("/leads/assign", data={"lead_ids": [other.id], "to_user": users["sales"].id}).status_code == 404
    client.post("/leads/assign", data={"lead_ids": [mine.id], "to_user": users["sales_b"].id})
    assert _owner(other) is None and _owner(mine) is None


def test_an_admin_cannot_assign_across_campuses(client, login_as, make_lead, users):
    lead = make_lead(owner=None)
    login_as("admin")
    html = client.post("/leads/assign", data={"lead_ids": [lead.id], "to_user": users["sales_b"].id},
                       follow_redirects=True).get_data(as_text=True)
    assert "同校区" in html and _owner(lead) is None


def test_manager_reassigns_owned_leads_from_the_lead_list(client, login_as, users, make_lead):
    from eduflow.extensions import db
    from eduflow.models import Lead

    first, second = make_lead(name="甲"), make_lead(name="乙")
    login_as("manager")
    page = client.get("/leads").get_data(as_text=True)
    assert 'data-testid="reassign-form"' in page and 'name="lead_ids"' in page
    response = client.post("/leads/assign", data={"lead_ids": [first.id, second.id], "to_user": users["sales2"].id,
                                                  "next": "/leads?stage=new"})
    assert response.status_code == 302 and response.headers["Location"] == "/leads?stage=new"
    assert {db.session.get(Lead, i).owner_id for i in (first.id, second.id)} == {users["sales2"].id}


def test_sales_sees_no_reassign_controls_on_the_lead_list(client, login_as, make_lead):
    make_lead()
    login_as("sales")
    assert 'data-testid="reassign-form"' not in client.get("/leads").get_data(as_text=True)
