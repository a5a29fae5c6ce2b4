"""The lead board in the real browser on a tablet: drag cards across columns, the lost reason, refusals."""
from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from eduflow.extensions import db
from eduflow.leads.board import PAGE_SIZE
from eduflow.models import Course, Lead, LeadStage, SixSpeed, Stickiness, Tag, utcnow
from tests import factories
from tests.browser_support import screenshot, sign_in
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


def _leads(campuses, users, *specs):
    leads = factories.make_leads(campuses[0], *specs, owner=users["sales"], phone="13800001234")
    db.session.commit()
    return leads


def _drag(page, card, stage: str) -> None:
    """Press, move in small steps and release, as a finger or a mouse does (SortableJS's fallback drag).

    The board scrolls sideways on a tablet: the card's column comes to the left edge first, and the
    drop lands on the part of the target column that is on screen."""
    card.evaluate("card => card.closest('.ef-column').scrollIntoView({inline: 'start', block: 'nearest'})")
    source, target = card.bounding_box(), page.get_by_test_id(f"cards-{stage}").bounding_box()
    x = min(target["x"] + target["width"] / 2, page.viewport_size["width"] - 40)
    page.mouse.move(source["x"] + source["width"] / 2, source["y"] + 12)
    page.mouse.down()
    page.mouse.move(source["x"] + source["width"] / 2 + 10, source["y"] + 22, steps=4)
    page.mouse.move(x, target["y"] + 30, steps=20)
    page.mouse.up()


def _open_board(page):
    sign_in(page, "sales", PASSWORD)
    page.goto("/leads/board")
    expect(page.get_by_test_id("board")).to_be_visible()


def test_dragging_a_card_to_the_next_column_moves_it_and_updates_both_counts(page, users, campuses):
    first, _second, _third = _leads(campuses, users, ("王小明", LeadStage.NEW, {}), ("李小红", LeadStage.NEW, {}),
                                    ("赵大宝", LeadStage.CONTACTED, {}))
    _open_board(page)
    expect(page.get_by_test_id("count-new")).to_have_text("2")
    expect(page.get_by_test_id("count-contacted")).to_have_text("1")
    _drag(page, page.get_by_test_id(f"card-{first.id}"), "contacted")
    expect(page.get_by_test_id("count-new")).to_have_text("1")
    expect(page.get_by_test_id("count-contacted")).to_have_text("2")
    expect(page.get_by_test_id("cards-contacted").get_by_test_id(f"card-{first.id}")).to_be_visible()
    screenshot(page, "board-after-move-tablet")
    page.reload()
    expect(page.get_by_test_id("cards-contacted").get_by_test_id(f"card-{first.id}")).to_be_visible()
    expect(page.get_by_test_id("count-contacted")).to_have_text("2")
    assert db.session.get(Lead, first.id, populate_existing=True).stage == LeadStage.CONTACTED


def test_dropping_on_lost_asks_for_the_reason_and_then_moves_the_card(page, users, campuses):
    (lead,) = _leads(campuses, users, ("孙悟空", LeadStage.PENDING, {}))
    _open_board(page)
    _drag(page, page.get_by_test_id(f"card-{lead.id}"), "lost")
    reason = page.get_by_test_id("lost-reason-input")
    expect(reason).to_be_visible()
    screenshot(page, "board-lost-reason-tablet")
    reason.fill("家离校区太远")
    page.get_by_test_id("lost-confirm").click()
    expect(page.get_by_test_id("cards-lost").get_by_test_id(f"card-{lead.id}")).to_be_visible()
    expect(page.get_by_test_id("count-lost")).to_have_text("1")
    expect(page.get_by_test_id("count-pending")).to_have_text("0")
    screenshot(page, "board-after-lost-tablet")
    moved = db.session.get(Lead, lead.id, populate_existing=True)
    assert (moved.stage, moved.lost_reason) == (LeadStage.LOST, "家离校区太远")


def test_cancelling_the_lost_reason_puts_the_card_back(page, users, campuses):
    (lead,) = _leads(campuses, users, ("猪八戒", LeadStage.PENDING, {}))
    _open_board(page)
    _drag(page, page.get_by_test_id(f"card-{lead.id}"), "lost")
    page.get_by_test_id("lost-cancel").click()
    expect(page.get_by_test_id("cards-pending").get_by_test_id(f"card-{lead.id}")).to_be_visible()
    expect(page.get_by_test_id("cards-lost").locator("[data-board-card]")).to_have_count(0)
    assert db.session.get(Lead, lead.id, populate_existing=True).stage == LeadStage.PENDING


def test_an_illegal_move_is_refused_with_a_message_and_the_card_goes_back(page, users, campuses):
    (lead,) = _leads(campuses, users, ("沙和尚", LeadStage.LOST, {"lost_reason": "太贵"}))
    _open_board(page)
    _drag(page, page.get_by_test_id(f"card-{lead.id}"), "pending")
    card = page.get_by_test_id("cards-lost").get_by_test_id(f"card-{lead.id}")
    expect(card.get_by_test_id("card-message")).to_contain_text("不能从“已流失”移到“待报名”")
    expect(page.get_by_test_id("count-lost")).to_have_text("1")
    screenshot(page, "board-refused-move-tablet")


def test_a_card_shows_courses_tags_stickiness_and_overdue(page, users, campuses):
    course, tag = Course(name="少儿编程"), Tag(name="价格敏感")
    (lead,) = _leads(campuses, users, ("周杰", LeadStage.INTENT, {
        "next_followup_at": utcnow() - dt.timedelta(days=2), "last_followup_at": utcnow() - dt.timedelta(days=5)}))
    lead.courses.append(course)
    lead.tags.append(tag)
    lead.six_speed = SixSpeed(owner_id=lead.owner_id, stickiness=Stickiness.HIGH)
    db.session.commit()
    _open_board(page)
    card = page.get_by_test_id(f"card-{lead.id}")
    card.evaluate("card => card.closest('.ef-column').scrollIntoView({inline: 'start', block: 'nearest'})")
    for text in ("周杰", "138****1234", "少儿编程", "价格敏感", "5 天未跟进", "情感粘度 高", "逾期"):
        expect(card).to_contain_text(text)
    screenshot(page, "board-card-details-tablet")


def test_a_manager_assigns_ticked_pool_leads_and_a_salesperson_claims_one(page, users, campuses):
    pool = [factories.make_lead(campuses[0], name=name) for name in ("公海一", "公海二", "公海三")]
    db.session.commit()
    sign_in(page, "manager", PASSWORD)
    page.goto("/leads/pool")
    page.get_by_test_id(f"pick-{pool[0].id}").check()
    page.get_by_test_id(f"pick-{pool[1].id}").check()
    page.select_option("#to_user", str(users["sales2"].id))
    page.get_by_test_id("assign-submit").click()
    expect(page.locator(".alert-success")).to_contain_text("已将 2 条线索分配给 Sales2")
    expect(page.get_by_test_id("pool-table")).not_to_contain_text("公海一")
    screenshot(page, "pool-manager-tablet")
    page.context.clear_cookies()  # sign out
    sign_in(page, "sales", PASSWORD)
    page.goto("/leads/pool")
    page.get_by_test_id(f"claim-{pool[2].id}").click()
    expect(page.get_by_test_id(f"claimed-{pool[2].id}")).to_be_visible()
    screenshot(page, "pool-claimed-tablet")
    assert db.session.get(Lead, pool[2].id, populate_existing=True).owner_id == users["sales"].id


def test_a_long_column_loads_more_cards_as_it_scrolls(page, users, campuses):
    _leads(campuses, users, *[(f"线索{i:02d}", LeadStage.NEW, {}) for i in range(PAGE_SIZE + 5)])
    _open_board(page)
    cards = page.get_by_test_id("cards-new").locator("[data-board-card]")
    expect(cards).to_have_count(PAGE_SIZE)
    expect(page.get_by_test_id("count-new")).to_have_text(str(PAGE_SIZE + 5))
    page.get_by_test_id("more-new").scroll_into_view_if_needed()
    expect(cards).to_have_count(PAGE_SIZE + 5)
    expect(page.get_by_test_id("more-new")).to_have_count(0)


def test_a_card_moved_meanwhile_by_someone_else_comes_back_fresh_with_a_message(page, users, campuses):
    (lead,) = _leads(campuses, users, ("唐僧", LeadStage.NEW, {}))
    _open_board(page)
    lead.stage = LeadStage.INTENT  # a colleague's move, committed after this board was drawn
    db.session.commit()
    _drag(page, page.get_by_test_id(f"card-{lead.id}"), "contacted")
    card = page.get_by_test_id("cards-intent").get_by_test_id(f"card-{lead.id}")
    expect(card.get_by_test_id("card-message")).to_contain_text("已被他人修改")
    expect(page.get_by_test_id("cards-contacted").locator("[data-board-card]")).to_have_count(0)
    expect(page.get_by_test_id("count-new")).to_have_text("0")
    expect(page.get_by_test_id("count-intent")).to_have_text("1")
    screenshot(page, "board-stale-move-tablet")
    assert db.session.get(Lead, lead.id, populate_existing=True).stage == LeadStage.INTENT
