"""The lead board on a 768×1024 touch tablet: a card dragged to a column off screen scrolls the board there (by
finger and by mouse, both ways), the stage menu moves a card without dragging (by tap and by keyboard), a tap
anywhere on a card opens the lead, 只看逾期 applies at once, and the filters fold behind 筛选."""
from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from eduflow.extensions import db
from eduflow.models import Lead, LeadStage, utcnow
from tests import factories
from tests.browser_support import screenshot, sign_in
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser

# The board's part of the viewport: [left, right] of the scroll box, for a finger held at its edge.
BOARD_BOX = "() => { const b = document.getElementById('board').getBoundingClientRect(); return [b.left, b.right]; }"
ON_SCREEN = """stage => {
  const board = document.getElementById('board').getBoundingClientRect();
  const column = document.getElementById('column-' + stage).getBoundingClientRect();
  return column.left >= board.left - 1 && column.right <= board.right + 1;
}"""


@pytest.fixture
def page(tablet):
    """The tablet with a touch screen (Playwright's has_touch: touch events, a coarse pointer)."""
    return tablet()


def _leads(campuses, users, *specs):
    leads = factories.make_leads(campuses[0], *specs, owner=users["sales"], phone="13800001234")
    db.session.commit()
    return leads


def _open_board(page, path="/leads/board"):
    sign_in(page, "sales", PASSWORD)
    page.goto(path)
    expect(page.get_by_test_id("board")).to_be_visible()


class Finger:
    """A finger on the touch screen (the DevTools protocol's touch events: what a tablet's browser receives)."""

    def __init__(self, page):
        self.page, self.cdp, self.at = page, page.context.new_cdp_session(page), (0, 0)

    def _send(self, kind: str, x: float, y: float) -> None:
        points = [] if kind == "touchEnd" else [{"x": x, "y": y}]
        self.cdp.send("Input.dispatchTouchEvent", {"type": kind, "touchPoints": points})
        self.at = (x, y)

    def down(self, x: float, y: float) -> None:
        self._send("touchStart", x, y)

    def move(self, x: float, y: float, steps: int = 8) -> None:
        (x0, y0) = self.at
        for i in range(1, steps + 1):
            self._send("touchMove", x0 + (x - x0) * i / steps, y0 + (y - y0) * i / steps)
            self.page.wait_for_timeout(16)

    def up(self) -> None:
        self._send("touchEnd", *self.at)


class Mouse:
    """The same gestures with the mouse (a laptop)."""

    def __init__(self, page):
        self.page, self.at = page, (0, 0)

    def down(self, x: float, y: float) -> None:
        self.page.mouse.move(x, y)
        self.page.mouse.down()
        self.at = (x, y)

    def move(self, x: float, y: float, steps: int = 8) -> None:
        (x0, y0) = self.at
        for i in range(1, steps + 1):  # at a hand's pace: Sortable looks at a move every 30 ms at most
            self.page.mouse.move(x0 + (x - x0) * i / steps, y0 + (y - y0) * i / steps)
            self.page.wait_for_timeout(16)
        self.at = (x, y)

    def up(self) -> None:
        self.page.mouse.up()


def _drag_far(page, pointer, card, stage: str, edge: str) -> None:
    """Hold the card (a finger waits for the drag to start), take it to the board's `edge` and hold it there until
    the `stage` column has scrolled fully into view, then drop it on that column."""
    box = card.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] - 12  # on the card's text, not its stage button
    pointer.down(x, y)
    page.wait_for_timeout(300)  # longer than the board's 150 ms hold for touch
    pointer.move(x + 12, y + 8, steps=3)
    left, right = page.evaluate(BOARD_BOX)
    pointer.move(right - 8 if edge == "right" else left + 8, y + 8, steps=10)
    page.wait_for_function(ON_SCREEN, arg=stage, timeout=10_000, polling=50)
    pointer.move((left + right) / 2, y + 8, steps=4)  # off the edge: the board stops scrolling
    target = page.get_by_test_id(f"cards-{stage}").bounding_box()
    pointer.move(target["x"] + target["width"] / 2, target["y"] + 30, steps=6)
    page.wait_for_timeout(100)
    pointer.up()


def test_a_finger_drags_a_new_card_to_lost_across_the_board_and_is_asked_the_reason(page, users, campuses):
    (lead,) = _leads(campuses, users, ("钱多多", LeadStage.NEW, {}))
    _open_board(page)
    assert not page.evaluate(ON_SCREEN, "lost")  # 已流失 is the sixth column: far off a tablet's screen
    _drag_far(page, Finger(page), page.get_by_test_id(f"card-{lead.id}"), "lost", "right")
    reason = page.get_by_test_id("lost-reason-input")
    expect(reason).to_be_visible()
    expect(reason).to_be_focused()
    screenshot(page, "board-touch-drag-lost-reason-tablet")
    reason.fill("孩子去外地上学")
    page.get_by_test_id("lost-confirm").click()
    expect(page.get_by_test_id("cards-lost").get_by_test_id(f"card-{lead.id}")).to_be_visible()
    expect(page.get_by_test_id("count-lost")).to_have_text("1")
    expect(page.get_by_test_id("count-new")).to_have_text("0")
    moved = db.session.get(Lead, lead.id, populate_existing=True)
    assert (moved.stage, moved.lost_reason) == (LeadStage.LOST, "孩子去外地上学")


@pytest.mark.parametrize("device", ["finger", "mouse"])
def test_a_card_is_dragged_to_an_off_screen_column_and_back_again(page, users, campuses, device):
    (lead,) = _leads(campuses, users, ("高小飞", LeadStage.NEW, {}))
    _open_board(page)
    pointer = Finger(page) if device == "finger" else Mouse(page)
    assert not page.evaluate(ON_SCREEN, "pending")
    _drag_far(page, pointer, page.get_by_test_id(f"card-{lead.id}"), "pending", "right")
    expect(page.get_by_test_id("cards-pending").get_by_test_id(f"card-{lead.id}")).to_be_visible()
    expect(page.get_by_test_id("count-pending")).to_have_text("1")
    assert db.session.get(Lead, lead.id, populate_existing=True).stage == LeadStage.PENDING
    assert not page.evaluate(ON_SCREEN, "new")  # the board stayed where the card was dropped
    _drag_far(page, pointer, page.get_by_test_id(f"card-{lead.id}"), "new", "left")
    expect(page.get_by_test_id("cards-new").get_by_test_id(f"card-{lead.id}")).to_be_visible()
    expect(page.get_by_test_id("count-new")).to_have_text("1")
    assert db.session.get(Lead, lead.id, populate_existing=True).stage == LeadStage.NEW
    assert page.url.endswith("/leads/board")  # a drag is not a tap: the lead did not open


def test_the_stage_menu_moves_a_card_by_tap_without_dragging(page, users, campuses):
    (lead,) = _leads(campuses, users, ("陈一一", LeadStage.NEW, {}))
    _open_board(page)
    card = page.get_by_test_id(f"card-{lead.id}")
    card.get_by_test_id("card-stage-menu").tap()
    menu = card.get_by_role("menu")
    expect(menu).to_be_visible()
    items = menu.get_by_role("menuitem")
    expect(items).to_have_count(5)
    expect(items.first).to_contain_text("首次沟通")
    expect(menu).not_to_contain_text("新咨询")  # where it already is
    screenshot(page, "board-stage-menu-tablet")
    menu.get_by_test_id("move-to-pending").tap()
    moved = page.get_by_test_id("cards-pending").get_by_test_id(f"card-{lead.id}")
    expect(moved).to_be_visible()
    expect(page.get_by_test_id("count-new")).to_have_text("0")
    expect(page.get_by_test_id("count-pending")).to_have_text("1")
    expect(page.locator("[data-board-status]")).to_have_text("陈一一 已移到“待报名”。")
    assert page.evaluate(ON_SCREEN, "pending")  # the board brought the moved card into view
    assert page.url.endswith("/leads/board")
    assert db.session.get(Lead, lead.id, populate_existing=True).stage == LeadStage.PENDING


def test_the_stage_menu_works_from_the_keyboard_and_keeps_the_focus(page, users, campuses):
    first, second = _leads(campuses, users, ("林键盘", LeadStage.NEW, {}), ("林流失", LeadStage.CONTACTED, {}))
    _open_board(page)
    toggle = page.get_by_test_id(f"card-{first.id}").get_by_test_id("card-stage-menu")
    expect(toggle).to_have_attribute("aria-label", "更改阶段：林键盘")
    toggle.focus()
    page.keyboard.press("Enter")
    expect(toggle).to_have_attribute("aria-expanded", "true")
    items = page.get_by_test_id(f"card-{first.id}").get_by_role("menuitem")
    expect(items.first).to_be_focused()  # 首次沟通
    page.keyboard.press("ArrowDown")
    expect(items.nth(1)).to_be_focused()  # 意向明确
    page.keyboard.press("Enter")
    moved = page.get_by_test_id("cards-intent").get_by_test_id(f"card-{first.id}")
    expect(moved).to_be_visible()
    expect(moved.get_by_test_id("card-stage-menu")).to_be_focused()
    assert db.session.get(Lead, first.id, populate_existing=True).stage == LeadStage.INTENT

    toggle = page.get_by_test_id(f"card-{second.id}").get_by_test_id("card-stage-menu")
    toggle.focus()
    page.keyboard.press("Enter")
    page.keyboard.press("Escape")  # closes, back on its button
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(toggle).to_be_focused()
    page.keyboard.press("ArrowDown")  # Bootstrap's menu button opens on ↓ too
    page.get_by_test_id(f"card-{second.id}").get_by_test_id("move-to-lost").focus()
    page.keyboard.press("Enter")
    reason = page.get_by_test_id("lost-reason-input")
    expect(reason).to_be_focused()
    page.keyboard.type("预算不够")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")  # 确认流失
    lost = page.get_by_test_id("cards-lost").get_by_test_id(f"card-{second.id}")
    expect(lost).to_be_visible()
    expect(lost.get_by_test_id("card-stage-menu")).to_be_focused()
    assert db.session.get(Lead, second.id, populate_existing=True).lost_reason == "预算不够"


def test_a_converted_choice_in_the_stage_menu_opens_the_conversion_form(page, users, campuses):
    (lead,) = _leads(campuses, users, ("转化甲", LeadStage.PENDING, {}))
    _open_board(page)
    card = page.get_by_test_id(f"card-{lead.id}")
    card.evaluate("card => card.closest('.ef-column').scrollIntoView({inline: 'start', block: 'nearest'})")
    card.get_by_test_id("card-stage-menu").tap()
    card.get_by_test_id("move-to-converted").tap()
    page.wait_for_url(f"**/leads/{lead.id}/convert")
    assert db.session.get(Lead, lead.id, populate_existing=True).stage == LeadStage.PENDING


def test_a_tap_anywhere_on_a_card_opens_the_lead(page, users, campuses):
    (lead,) = _leads(campuses, users, ("点我", LeadStage.NEW, {"last_followup_at": utcnow() - dt.timedelta(days=2)}))
    _open_board(page)
    card = page.get_by_test_id(f"card-{lead.id}")
    box = card.bounding_box()
    page.touchscreen.tap(box["x"] + box["width"] - 20, box["y"] + box["height"] - 10)  # the card's corner, no text
    page.wait_for_url(f"**/leads/{lead.id}")
    expect(page.get_by_test_id("page-title")).to_contain_text("点我")
    page.go_back()
    meta = page.get_by_test_id(f"card-{lead.id}").get_by_text("2 天未跟进").bounding_box()
    page.mouse.click(meta["x"] + 10, meta["y"] + meta["height"] / 2)  # a mouse click on the card's text does the same
    page.wait_for_url(f"**/leads/{lead.id}")


def test_only_overdue_applies_as_soon_as_it_is_ticked(page, users, campuses):
    late, _calm = _leads(campuses, users, ("逾期的", LeadStage.NEW, {"next_followup_at": utcnow() - dt.timedelta(days=1)}),
                         ("不急的", LeadStage.NEW, {"next_followup_at": utcnow() + dt.timedelta(days=3)}))
    _open_board(page)
    expect(page.get_by_test_id("count-new")).to_have_text("2")
    page.get_by_test_id("board-filter-toggle").tap()
    page.get_by_test_id("board-overdue").tap()
    page.wait_for_url("**/leads/board?*overdue=y*")
    expect(page.get_by_test_id("count-new")).to_have_text("1")
    expect(page.get_by_test_id(f"card-{late.id}")).to_be_visible()
    expect(page.get_by_test_id("board")).not_to_contain_text("不急的")
    # The panel holding a set filter stays open, and 筛选 counts it.
    expect(page.get_by_test_id("board-overdue")).to_be_checked()
    expect(page.get_by_test_id("board-filter-panel")).to_be_visible()
    expect(page.get_by_test_id("board-filter-count")).to_have_text("1")
    screenshot(page, "board-overdue-filter-tablet")


def test_on_a_tablet_the_filters_fold_behind_one_button_and_the_columns_start_near_the_top(page, users, campuses):
    _leads(campuses, users, ("顶部", LeadStage.NEW, {}))
    _open_board(page)
    panel, toggle = page.get_by_test_id("board-filter-panel"), page.get_by_test_id("board-filter-toggle")
    expect(panel).to_be_hidden()
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(page.get_by_test_id("board-search")).to_be_visible()
    filters, board = page.get_by_test_id("board-filters").bounding_box(), page.get_by_test_id("board").bounding_box()
    assert filters["height"] < 50  # one row
    assert board["y"] < 160  # was 266 px down
    toggle.tap()
    expect(panel).to_be_visible()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(panel.locator("select[name=source]")).to_be_visible()
    page.wait_for_selector("#board-filter-panel.collapse.show")  # opened (Bootstrap ignores taps while it slides)
    toggle.tap()
    expect(panel).to_be_hidden()

    page.set_viewport_size({"width": 1366, "height": 768})  # a laptop: everything shown, no button
    expect(panel).to_be_visible()
    expect(toggle).to_be_hidden()


@pytest.mark.parametrize("locale", ["zh_CN", "en"])
def test_the_board_on_a_tablet_in_both_languages(page, users, campuses, locale):
    users["sales"].locale = locale
    db.session.commit()
    _leads(campuses, users,
           ("王小明", LeadStage.NEW, {"next_followup_at": utcnow() - dt.timedelta(days=1)}),
           ("李小红", LeadStage.NEW, {"last_followup_at": utcnow() - dt.timedelta(days=3)}),
           ("赵大宝", LeadStage.CONTACTED, {}), ("周杰", LeadStage.INTENT, {}))
    _open_board(page)
    toggle = page.locator("[data-testid^=card-] [data-stage-menu]").first
    expect(toggle).to_have_text("阶段" if locale == "zh_CN" else "Stage")
    width = page.evaluate("() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert width[0] <= width[1]  # only the board scrolls sideways, never the page
    screenshot(page, f"board-tablet-{locale}")
    toggle.tap()
    expect(page.get_by_role("menu").first).to_be_visible()
    screenshot(page, f"board-stage-menu-tablet-{locale}")
