"""The board over HTTP: columns and counts, more cards on scroll, and every answer to a dropped card."""
import datetime as dt

import pytest

from eduflow.extensions import db
from eduflow.leads.board import PAGE_SIZE
from eduflow.models import Lead, LeadStage, LeadStageChange, utcnow

HX = {"HX-Request": "true"}


def _move(client, lead, stage, version=None, **extra):
    data = {"stage": stage, "version": lead.version if version is None else version, **extra}
    return client.post(f"/leads/{lead.id}/move", data=data, headers=HX)


def _reload(lead):
    return db.session.get(Lead, lead.id, populate_existing=True)


def test_board_shows_a_column_per_stage_with_its_total(client, login_as, make_lead):
    for i in range(PAGE_SIZE + 3):
        make_lead(name=f"新{i}")
    make_lead(name="同事的", owner="sales2")
    login_as("sales")
    html = client.get("/leads/board").get_data(as_text=True)
    for stage in LeadStage:
        assert f'data-testid="column-{stage}"' in html
    assert 'data-testid="count-new"' in html and f">{PAGE_SIZE + 3}</span>" in html
    assert html.count("data-board-card") == PAGE_SIZE
    assert "同事的" not in html
    assert "/leads/board/column/new?page=2" in html


def test_a_card_shows_what_the_salesperson_needs(client, login_as, make_lead):
    lead = make_lead(name="王小明", next_followup_at=utcnow() - dt.timedelta(days=1),
                     last_followup_at=utcnow() - dt.timedelta(days=3, hours=1))
    lead.phone = "13812345678"
    db.session.commit()
    login_as("sales")
    html = client.get("/leads/board").get_data(as_text=True)
    assert "王小明" in html and "138****5678" in html and "13812345678" not in html
    assert "3 天未跟进" in html and 'data-testid="card-overdue"' in html and "Sales</span>" in html


def test_a_manager_sees_the_campus_and_filters_by_owner_or_pool(client, login_as, make_lead, users):
    make_lead(name="甲的", owner="sales")
    make_lead(name="乙的", owner="sales2")
    make_lead(name="没人管", owner=None)
    make_lead(name="二校的", owner="sales_b", campus=1)
    login_as("manager")
    html = client.get("/leads/board").get_data(as_text=True)
    assert all(name in html for name in ("甲的", "乙的", "没人管")) and "二校的" not in html
    only_sales2 = client.get(f"/leads/board?owner={users['sales2'].id}").get_data(as_text=True)
    assert "乙的" in only_sales2 and "甲的" not in only_sales2
    pool = client.get("/leads/board?owner=pool").get_data(as_text=True)
    assert "没人管" in pool and "甲的" not in pool


def test_search_and_overdue_filters_narrow_the_cards(client, login_as, make_lead):
    make_lead(name="张三", next_followup_at=utcnow() - dt.timedelta(days=1))
    make_lead(name="李四")
    login_as("sales")
    assert "李四" not in client.get("/leads/board?q=zs").get_data(as_text=True)
    html = client.get("/leads/board?overdue=y").get_data(as_text=True)
    assert "张三" in html and "李四" not in html


def test_the_next_page_of_a_column_is_a_fragment_that_keeps_the_filters(client, login_as, make_lead):
    for i in range(PAGE_SIZE + 2):
        make_lead(name=f"新{i:02d}", next_followup_at=utcnow() + dt.timedelta(days=i))
    login_as("sales")
    response = client.get("/leads/board/column/new?page=2&q=xin", headers=HX)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in html
    assert html.count("data-board-card") == 2 and f"新{PAGE_SIZE + 1:02d}" in html and "新00" not in html
    assert "q=xin" in html  # the moved card's URL keeps the filters for the counts
    assert "board/column/new?page=3" not in html


def test_moving_a_card_answers_the_card_and_every_column_total(client, login_as, make_lead):
    lead = make_lead()
    make_lead(name="另一个")
    login_as("sales")
    response = _move(client, lead, "contacted")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in html
    assert 'data-stage="contacted"' in html and 'name="version" value="2"' in html
    assert 'id="count-new" data-testid="count-new"' in html and 'hx-swap-oob="true">1</span>' in html
    assert _reload(lead).stage == LeadStage.CONTACTED


def test_an_illegal_move_is_refused_with_a_message_and_the_card_stays(client, login_as, make_lead):
    lead = make_lead(stage=LeadStage.LOST, lost_reason="太远")
    login_as("sales")
    response = _move(client, lead, "intent")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "不能从“已流失”移到“意向明确”" in html and 'data-stage="lost"' in html
    assert _reload(lead).stage == LeadStage.LOST


def test_converted_leads_never_move_and_same_column_is_refused(client, login_as, make_lead):
    converted, fresh = make_lead(stage=LeadStage.CONVERTED), make_lead(name="新的")
    login_as("sales")
    assert _move(client, converted, "new").status_code == 422
    assert _move(client, fresh, "new").status_code == 422
    assert db.session.query(LeadStageChange).count() == 0


@pytest.mark.parametrize("stage", ["bogus", "", "NEW"])
def test_an_unknown_stage_is_a_message_and_changes_nothing(client, login_as, make_lead, stage):
    lead = make_lead()
    login_as("sales")
    response = _move(client, lead, stage)
    assert response.status_code == 422 and "未知的线索阶段" in response.get_data(as_text=True)
    assert _reload(lead).version == 1


def test_a_stale_version_gets_the_message_and_the_fresh_card(client, login_as, make_lead):
    lead = make_lead()
    login_as("sales")
    assert _move(client, lead, "contacted").status_code == 200  # someone else, a moment earlier
    response = _move(client, lead, "intent", version=1)
    html = response.get_data(as_text=True)
    assert response.status_code == 409 and "已被他人修改" in html
    assert 'data-stage="contacted"' in html and 'name="version" value="2"' in html
    assert _reload(lead).stage == LeadStage.CONTACTED


def test_a_missing_version_is_refused(client, login_as, make_lead):
    lead = make_lead()
    login_as("sales")
    response = client.post(f"/leads/{lead.id}/move", data={"stage": "contacted"}, headers=HX)
    assert response.status_code == 422 and _reload(lead).stage == LeadStage.NEW


def test_dropping_on_lost_asks_for_the_reason_then_moves(client, login_as, make_lead):
    lead = make_lead()
    login_as("sales")
    asked = _move(client, lead, "lost")
    html = asked.get_data(as_text=True)
    assert asked.status_code == 422 and 'name="reason"' in html and "is-invalid" not in html
    assert _reload(lead).stage == LeadStage.NEW
    empty = _move(client, lead, "lost", reason="   ")
    assert empty.status_code == 422 and "需要填写流失原因" in empty.get_data(as_text=True)
    assert _reload(lead).stage == LeadStage.NEW
    done = _move(client, lead, "lost", reason="嫌远")
    assert done.status_code == 200 and 'data-stage="lost"' in done.get_data(as_text=True)
    assert (_reload(lead).stage, _reload(lead).lost_reason) == (LeadStage.LOST, "嫌远")


def test_dropping_on_converted_opens_the_conversion_form(client, login_as, make_lead):
    lead = make_lead(stage=LeadStage.PENDING)
    login_as("sales")
    response = _move(client, lead, "converted")
    assert response.headers["HX-Redirect"] == f"/leads/{lead.id}/convert"
    assert _reload(lead).stage == LeadStage.PENDING


def test_a_salesperson_cannot_move_a_colleagues_card(client, login_as, make_lead):
    lead = make_lead(owner="sales")
    login_as("sales2")
    assert _move(client, lead, "contacted").status_code == 404
    assert _reload(lead).stage == LeadStage.NEW


def test_a_manager_cannot_move_another_campus_card(client, login_as, make_lead):
    lead = make_lead(owner="sales_b", campus=1)
    login_as("manager")
    assert _move(client, lead, "contacted").status_code == 404


def test_a_cancelled_drop_gets_the_card_back(client, login_as, make_lead):
    lead = make_lead()
    login_as("sales")
    response = client.get(f"/leads/{lead.id}/card", headers=HX)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and 'data-stage="new"' in html and "<html" not in html
