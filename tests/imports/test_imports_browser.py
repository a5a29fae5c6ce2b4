"""Importing in the real browser on a tablet: upload, check the mapping, watch the progress, commit."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select

from eduflow.extensions import db
from eduflow.imports import services
from eduflow.models import Lead
from tests.browser_support import screenshot, sign_in
from tests.conftest import PASSWORD
from tests.imports.conftest import LEAD_HEADER, as_xlsx, lead_rows

pytestmark = pytest.mark.browser


def test_a_manager_imports_leads_and_watches_the_progress(page, users, course, tmp_path, monkeypatch):
    monkeypatch.setattr(services, "VALIDATE_STEP", 3)  # several polled steps, so the bar is seen moving
    monkeypatch.setattr(services, "COMMIT_STEP", 3)
    path = tmp_path / "线索.xlsx"
    path.write_bytes(as_xlsx([LEAD_HEADER, *lead_rows(11), ["坏行", "123", "", "", "", "", "", "", ""]]).getvalue())
    sign_in(page, "manager", PASSWORD)
    page.goto("/imports")
    page.get_by_test_id("upload-form").locator("input[type=file]").set_input_files(str(path))
    page.get_by_test_id("upload-submit").click()
    expect(page.get_by_test_id("mapping-form")).to_be_visible()
    expect(page.locator("#col_phone")).to_have_value("1")
    screenshot(page, "import-mapping-tablet")
    page.get_by_test_id("mapping-submit").click()
    expect(page.get_by_test_id("import-progress")).to_be_visible()
    expect(page.get_by_test_id("preview-summary")).to_be_visible(timeout=15000)
    expect(page.get_by_test_id("count-create")).to_have_text("新建 11")
    expect(page.get_by_test_id("count-reject")).to_have_text("拒绝 1")
    expect(page.get_by_test_id("preview-row-13")).to_contain_text("电话号码无效")
    screenshot(page, "import-preview-tablet")
    page.get_by_label("跳过被拒绝的行，只导入其余的行").check()
    page.get_by_test_id("commit-submit").click()
    expect(page.get_by_test_id("import-progress")).to_be_visible()
    expect(page.get_by_test_id("import-result")).to_contain_text("新建 11", timeout=15000)
    assert db.session.scalar(select(func.count()).select_from(Lead)) == 11
    screenshot(page, "import-done-tablet")
