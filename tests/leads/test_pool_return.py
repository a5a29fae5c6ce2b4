"""Issue 11, item 13: a refused claim leaves the lead's row in the pool list with the reason beside it, and a
claim or an assignment returns to the pool or the lead list with the filters the user had chosen."""
import pytest
from sqlalchemy import select

from eduflow.extensions import db
from eduflow.models import Lead
from eduflow.settings import settings_for

HX = {"HX-Request": "true"}


def _owner(lead):
    return db.session.scalar(select(Lead.owner_id).where(Lead.id == lead.id))


@pytest.fixture
def at_the_cap(login_as, make_lead, campuses):
    """The salesperson, signed in, holds one lead at a cap of one; 公海乙 waits in the pool."""
    settings_for(campuses[0].id).max_open_leads = 1
    db.session.commit()
    make_lead(name="已有")
    lead = make_lead(name="公海乙", owner=None)
    login_as("sales")
    return lead


def test_a_refused_claim_keeps_the_row_with_the_reason_beside_it(client, at_the_cap):
    lead = at_the_cap
    response = client.post(f"/leads/{lead.id}/claim", data={"next": "/leads/pool?q=gonghai"},
                           headers={**HX, "HX-Current-URL": "http://localhost/leads/pool?q=gonghai"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "<html" not in html
    assert f'data-testid="pool-row-{lead.id}"' in html and "公海乙" in html, "the row stays"
    assert f'data-testid="claim-refused-{lead.id}"' in html and "上限" in html, "the reason is beside it"
    assert f'data-testid="claim-{lead.id}"' in html, "the 领取 button is still there to try again"
    assert 'name="next" value="/leads/pool?q=gonghai"' in html
    assert 'data-testid="pool-message"' not in html and _owner(lead) is None


def test_a_refused_claim_without_htmx_returns_to_the_filtered_pool(client, at_the_cap):
    lead = at_the_cap
    response = client.post(f"/leads/{lead.id}/claim", data={"next": "/leads/pool?q=gonghai"})
    assert response.status_code == 302 and response.headers["Location"] == "/leads/pool?q=gonghai"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "上限" in page and "公海乙" in page


def test_the_pool_page_writes_its_own_filters_into_the_claim_and_assign_forms(client, login_as, make_lead):
    make_lead(name="张三", owner=None)
    login_as("manager")
    html = client.get("/leads/pool?q=zs").get_data(as_text=True)
    assert 'id="next" name="next" type="hidden" value="/leads/pool?q=zs"' in html  # the assign form
    assert 'name="next" value="/leads/pool?q=zs"' in html  # the row's claim form


def test_assigning_from_the_filtered_pool_returns_to_it(client, login_as, make_lead, users):
    lead = make_lead(name="张三", owner=None)
    login_as("manager")
    response = client.post("/leads/assign", data={"lead_ids": [lead.id], "to_user": users["sales2"].id,
                                                  "next": "/leads/pool?q=zs"})
    assert response.status_code == 302 and response.headers["Location"] == "/leads/pool?q=zs"
    assert _owner(lead) == users["sales2"].id
    refused = client.post("/leads/assign", data={"lead_ids": [lead.id], "next": "/leads/pool?q=zs"})
    assert refused.headers["Location"] == "/leads/pool?q=zs", "a refused assignment returns there too"


def test_reassigning_from_the_list_returns_to_the_filters_htmx_pushed_since_the_page_loaded(client, login_as,
                                                                                              make_lead, users):
    """The lead list applies filters by htmx and pushes them into the address bar; the reassign form's `next` was
    written when the page loaded, so the browser's Referer (the address bar) wins."""
    first = make_lead(name="甲")
    login_as("manager")
    response = client.post("/leads/assign", data={"lead_ids": [first.id], "to_user": users["sales2"].id,
                                                  "next": "/leads"},
                           headers={"Referer": "http://localhost/leads?stage=new&q=jia"})
    assert response.status_code == 302 and response.headers["Location"] == "/leads?stage=new&q=jia"
    assert _owner(first) == users["sales2"].id


def test_only_the_pool_and_the_list_are_returned_to(client, login_as, make_lead, users):
    lead = make_lead(name="张三", owner=None)
    login_as("manager")
    for elsewhere in ("https://evil.example/leads/pool", "//evil.example/leads", f"/leads/{lead.id}", "/logout"):
        response = client.post("/leads/assign", data={"lead_ids": [lead.id], "next": elsewhere},
                               headers={"Referer": elsewhere})
        assert response.headers["Location"] == "/leads/pool", elsewhere
