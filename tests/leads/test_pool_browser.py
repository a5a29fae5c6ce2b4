"""The pool on a touch tablet: a claim refused at the holding cap leaves the row in the list with the reason."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from eduflow.extensions import db
from eduflow.settings import settings_for
from tests import factories
from tests.browser_support import screenshot, sign_in
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


def test_a_claim_refused_at_the_cap_keeps_the_row_with_the_reason(tablet, users, campuses):
    settings_for(campuses[0].id).max_open_leads = 1
    factories.make_lead(campuses[0], name="已有", owner=users["sales"])
    pooled = [factories.make_lead(campuses[0], name=name) for name in ("张三", "张小四")]
    db.session.commit()
    page = tablet()
    sign_in(page, "sales", PASSWORD)
    page.goto("/leads/pool?q=zhang")
    row = page.get_by_test_id(f"pool-row-{pooled[0].id}")
    row.get_by_test_id(f"claim-{pooled[0].id}").tap()
    expect(row.get_by_test_id(f"claim-refused-{pooled[0].id}")).to_contain_text("上限")
    expect(page.get_by_test_id(f"pool-row-{pooled[1].id}")).to_be_visible()
    expect(row.get_by_test_id(f"claim-{pooled[0].id}")).to_be_visible()
    assert page.url.endswith("/leads/pool?q=zhang")
    screenshot(page, "pool-claim-refused-tablet")
