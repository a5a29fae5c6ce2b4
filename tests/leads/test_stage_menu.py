"""The stage menu over HTTP: on each board card and on the lead page it offers the legal target stages only, and
the lead page's menu moves the lead by the board's rules (lost reason, conversion form, version, refusals)."""
import re

import pytest

from eduflow.extensions import db
from eduflow.models import Lead, LeadStage, LeadStageChange

HX = {"HX-Request": "true"}


def _reload(lead):
    return db.session.get(Lead, lead.id, populate_existing=True)


def _offered(within: str) -> list[str]:
    """The stages a menu in `within` (the part of the page holding it) offers, in order."""
    return re.findall(r'data-testid="move-to-(\w+)"', within)


def _board_menu(html: str, stage: str) -> list[str]:
    found = re.search(rf'<template data-stage-targets="{stage}">(.*?)</template>', html, re.S)
    return _offered(found.group(1)) if found else []


def test_the_board_lists_each_stages_legal_targets_once(client, login_as, make_lead):
    make_lead()
    login_as("sales")
    html = client.get("/leads/board").get_data(as_text=True)
    assert _board_menu(html, "new") == ["contacted", "intent", "pending", "converted", "lost"]
    assert _board_menu(html, "pending") == ["new", "contacted", "intent", "converted", "lost"]
    assert _board_menu(html, "lost") == ["new"]
    assert _board_menu(html, "converted") == []
    assert html.count("<template data-stage-targets") == 5


def test_every_card_but_a_converted_one_has_a_stage_button(client, login_as, make_lead):
    open_lead, lost = make_lead(name="跟进中"), make_lead(name="流失的", stage=LeadStage.LOST, lost_reason="远")
    converted = make_lead(name="已转的", stage=LeadStage.CONVERTED)
    login_as("sales")
    html = client.get("/leads/board").get_data(as_text=True)
    for lead in (open_lead, lost):
        card = html[html.index(f'id="card-{lead.id}"'):]
        card = card[:card.index("</form>")]
        assert 'data-stage-menu' in card and f'aria-label="更改阶段：{lead.name}"' in card
        assert 'aria-expanded="false"' in card and 'data-no-drag' in card
    converted_card = html[html.index(f'id="card-{converted.id}"'):]
    assert "data-stage-menu" not in converted_card[:converted_card.index("</form>")]


def test_a_moved_card_comes_back_with_the_menu_of_its_new_stage(client, login_as, make_lead):
    lead = make_lead()
    login_as("sales")
    moved = client.post(f"/leads/{lead.id}/move", data={"stage": "lost", "version": 1, "reason": "太远"}, headers=HX)
    assert moved.status_code == 200 and "data-stage-menu" in moved.get_data(as_text=True)
    converted = make_lead(name="已转的", stage=LeadStage.CONVERTED)
    card = client.get(f"/leads/{converted.id}/card", headers=HX).get_data(as_text=True)
    assert 'data-stage="converted"' in card and "data-stage-menu" not in card


@pytest.mark.parametrize("stage,offered", [
    (LeadStage.CONTACTED, ["new", "intent", "pending", "converted", "lost"]),
    (LeadStage.LOST, ["new"]),
])
def test_the_lead_page_offers_the_legal_stages(client, login_as, make_lead, stage, offered):
    lead = make_lead(stage=stage, lost_reason="远" if stage == LeadStage.LOST else "")
    login_as("sales")
    html = client.get(f"/leads/{lead.id}").get_data(as_text=True)
    form = html[html.index('data-testid="lead-stage-form"'):]
    form = form[:form.index("</form>")]
    assert _offered(form) == offered
    assert 'name="version" value="1"' in form and 'aria-haspopup="menu"' in form


def test_a_converted_lead_has_no_stage_menu(client, login_as, make_lead):
    lead = make_lead(stage=LeadStage.CONVERTED)
    login_as("sales")
    assert 'data-testid="lead-stage-form"' not in client.get(f"/leads/{lead.id}").get_data(as_text=True)


def _change(client, lead, stage, version=None, **extra):
    data = {"stage": stage, "version": lead.version if version is None else version, **extra}
    return client.post(f"/leads/{lead.id}/stage", data=data)


def test_the_lead_page_moves_the_lead_and_says_so(client, login_as, make_lead, users):
    lead = make_lead()
    login_as("sales")
    response = _change(client, lead, "intent")
    assert response.status_code == 302 and response.headers["Location"] == f"/leads/{lead.id}"
    assert _reload(lead).stage == LeadStage.INTENT
    change = db.session.query(LeadStageChange).one()
    assert (change.from_stage, change.to_stage, change.changed_by_id) == (LeadStage.NEW, LeadStage.INTENT,
                                                                          users["sales"].id)
    page = client.get(f"/leads/{lead.id}").get_data(as_text=True)
    assert "已移到“意向明确”。" in page and 'name="version" value="2"' in page


def test_lost_from_the_lead_page_asks_for_the_reason_first(client, login_as, make_lead):
    lead = make_lead()
    login_as("sales")
    asked = _change(client, lead, "lost")
    html = asked.get_data(as_text=True)
    assert asked.status_code == 422 and 'data-testid="lead-lost-reason"' in html and "is-invalid" not in html
    assert _reload(lead).stage == LeadStage.NEW
    empty = _change(client, lead, "lost", reason="  ")
    assert empty.status_code == 422 and "需要填写流失原因" in empty.get_data(as_text=True)
    assert _change(client, lead, "lost", reason="嫌贵").status_code == 302
    assert (_reload(lead).stage, _reload(lead).lost_reason) == (LeadStage.LOST, "嫌贵")


def test_converted_from_the_lead_page_opens_the_conversion_form(client, login_as, make_lead):
    lead = make_lead(stage=LeadStage.PENDING)
    login_as("sales")
    response = _change(client, lead, "converted")
    assert response.status_code == 302 and response.headers["Location"] == f"/leads/{lead.id}/convert"
    assert _reload(lead).stage == LeadStage.PENDING


def test_the_lead_page_refuses_an_illegal_or_unknown_move_with_a_message(client, login_as, make_lead):
    lead = make_lead(stage=LeadStage.LOST, lost_reason="远")
    login_as("sales")
    illegal = _change(client, lead, "intent")
    assert illegal.status_code == 422
    assert "不能从“已流失”移到“意向明确”" in illegal.get_data(as_text=True)
    unknown = _change(client, lead, "bogus")
    assert unknown.status_code == 422 and "未知的线索阶段" in unknown.get_data(as_text=True)
    assert _reload(lead).stage == LeadStage.LOST and db.session.query(LeadStageChange).count() == 0


def test_a_stale_lead_page_gets_409_and_the_fresh_stage(client, login_as, make_lead):
    lead = make_lead()
    login_as("sales")
    assert _change(client, lead, "contacted").status_code == 302  # a colleague, a moment earlier
    response = _change(client, lead, "intent", version=1)
    html = response.get_data(as_text=True)
    assert response.status_code == 409 and "已被他人修改" in html
    assert 'data-testid="lead-stage">首次沟通' in html and 'name="version" value="2"' in html
    assert _reload(lead).stage == LeadStage.CONTACTED
