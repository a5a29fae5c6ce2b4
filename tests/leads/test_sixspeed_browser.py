"""The six-speed sheet in the real browser on a touch tablet: fill the whole form, save once, see each change in the
timeline; a broken visit rule told beside its field; two people on one sheet, the second told and kept."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from eduflow.extensions import db
from eduflow.models import Lead, LeadStage
from tests import factories
from tests.browser_support import MIN_TARGET, screenshot, sign_in
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


@pytest.fixture
def lead(users, campuses):
    lead = factories.make_lead(campuses[0], name="曾奕辰", owner=users["sales"], stage=LeadStage.CONTACTED)
    db.session.commit()
    return lead


def _field(form, name: str):
    return form.locator(f"[name='six_speed-{name}']")


def _tap(form, name: str, value: str) -> None:
    """Tap a radio button's label (the visible button) for `value`."""
    form.locator(f"label[for='six_speed-{name}-{value}']").tap()


def test_the_whole_sheet_is_filled_and_saved_with_one_tap_and_logged(tablet, users, lead):
    page = tablet()
    sign_in(page, "sales", PASSWORD)
    page.goto(f"/leads/{lead.id}")
    page.evaluate("window.__samePage = true")  # gone if the page reloads
    form = page.get_by_test_id("six-speed-form")
    expect(form.get_by_test_id("six-speed-save")).to_have_count(1)
    _field(form, "purchase_power").fill("年预算两万")
    _field(form, "distance").fill("3公里")
    _field(form, "promised_visit_at").fill("2026-11-20T14:30")
    _field(form, "actual_visit_at").fill("2026-11-20T15:00")
    _tap(form, "wechat_added", 0)  # 是
    _tap(form, "stickiness", 1)  # 高
    for control in [form.locator("label[for='six_speed-wechat_added-0']"), _field(form, "distance"),
                    form.get_by_test_id("six-speed-save")]:
        box = control.bounding_box()
        assert box["height"] >= MIN_TARGET and box["width"] >= MIN_TARGET, box
    screenshot(page, "six-speed-form-filled-tablet")
    form.get_by_test_id("six-speed-save").tap()
    expect(page.get_by_test_id("six-speed-saved")).to_contain_text("6 项修改")
    timeline = page.get_by_test_id("timeline")
    for label in ("需求购买力", "距离", "承诺到访时间", "实际到访时间", "是否加微信", "情感粘度"):
        expect(timeline).to_contain_text(label)
    expect(timeline).to_contain_text("2026-11-20 14:30")
    expect(page.locator("#six_speed-wechat_added-0")).to_be_checked()
    assert page.evaluate("window.__samePage") is True
    page.get_by_test_id("six-speed-save").scroll_into_view_if_needed()
    screenshot(page, "six-speed-saved-tablet")


def test_a_broken_visit_rule_is_told_beside_its_field_and_the_input_stays(tablet, users, lead):
    page = tablet()
    sign_in(page, "sales", PASSWORD)
    page.goto(f"/leads/{lead.id}")
    form = page.get_by_test_id("six-speed-form")
    _field(form, "purchase_power").fill("高")
    _field(form, "promised_visit_at").fill("2026-11-20T15:00")
    _field(form, "actual_visit_at").fill("2026-11-20T14:00")
    _field(form, "second_visit_at").fill("2026-11-21T10:00")
    form.get_by_test_id("six-speed-save").tap()
    form = page.get_by_test_id("six-speed-form")
    expect(form.get_by_test_id("six-speed-error-actual_visit_at")).to_contain_text("不能早于承诺到访时间")
    expect(form.get_by_test_id("six-speed-error-second_visit_at")).to_contain_text("请先填写一访时间")
    expect(_field(form, "purchase_power")).to_have_value("高")
    expect(page.get_by_test_id("timeline-empty")).to_be_visible()
    form.get_by_test_id("six-speed-actual_visit_at").scroll_into_view_if_needed()
    screenshot(page, "six-speed-refused-tablet")
    _field(form, "actual_visit_at").fill("2099-01-01T10:00")
    form.get_by_test_id("six-speed-save").tap()
    expect(page.get_by_test_id("six-speed-error-actual_visit_at")).to_contain_text("不能晚于现在")


def test_the_second_of_two_people_saving_one_sheet_is_told_and_keeps_their_input(tablet, users, lead):
    first, second = tablet(), tablet()
    sign_in(first, "sales", PASSWORD)
    sign_in(second, "manager", PASSWORD)
    for page in (first, second):
        page.goto(f"/leads/{lead.id}")
    _field(first.get_by_test_id("six-speed-form"), "distance").fill("3公里")
    first.get_by_test_id("six-speed-save").tap()
    expect(first.get_by_test_id("six-speed-saved")).to_be_visible()
    form = second.get_by_test_id("six-speed-form")
    _field(form, "distance").fill("8公里")
    _field(form, "chasing_mark").fill("周末再约")
    form.get_by_test_id("six-speed-save").tap()
    expect(second.get_by_test_id("six-speed-error")).to_contain_text("该六速表刚被他人修改")
    expect(_field(second.get_by_test_id("six-speed-form"), "distance")).to_have_value("8公里")
    expect(_field(second.get_by_test_id("six-speed-form"), "chasing_mark")).to_have_value("周末再约")
    second.get_by_test_id("six-speed-save").scroll_into_view_if_needed()
    screenshot(second, "six-speed-conflict-tablet")
    second.get_by_test_id("six-speed-reload").tap()
    expect(_field(second.get_by_test_id("six-speed-form"), "distance")).to_have_value("3公里")
    db.session.expire_all()
    assert db.session.get(Lead, lead.id).six_speed.distance == "3公里"
