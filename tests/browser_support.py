"""Browser test fixtures (a pytest plugin loaded by tests/conftest.py): the real Chromium (Debian's package) driven by Playwright, against a live server.

Browser tests live in their area beside its other tests, named test_<what>_browser.py (tests/leads/
test_board_browser.py, tests/attendance/test_sheet_browser.py …); any test that takes `page` is marked
`browser`, so `pytest -m browser` runs them all. Each pytest-xdist worker has its own live server on a
port the system picks. Without Chromium they skip with the reason shown; under CI (CI=true) a missing
browser fails. Screenshots land in test-artifacts/ for a person to look at.
"""
from __future__ import annotations

import os
import re
import shutil
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

CHROMIUM = os.environ.get("EDUFLOW_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"
TABLET = {"width": 768, "height": 1024}


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "page" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(f"CI needs Chromium for browser tests but {CHROMIUM} does not exist")
        pytest.skip(f"no Chromium at {CHROMIUM}: install Debian's chromium package to run browser tests")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-dev-shm-usage", "--disable-background-networking", "--disable-gpu"],
        )
        yield browser
        browser.close()


def _closed_before_sending(app):
    """Read each response whole and close it before the server writes a byte.

    Werkzeug's development server closes a response only after its own clean-up, which raises when
    the browser has already dropped the connection (a page navigating away mid-download); the static
    file then stays open until the garbage collector finds it, and the ResourceWarning lands in
    whichever test runs next. Buffering keeps every file handle inside its own request.
    """

    def buffered(environ, start_response):
        body = app(environ, start_response)
        try:
            return [b"".join(body)]
        finally:
            if hasattr(body, "close"):
                body.close()

    return buffered


@pytest.fixture(scope="session")
def live_server(app):
    server = make_server("127.0.0.1", 0, _closed_before_sending(app), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(viewport=TABLET, base_url=live_server, locale="zh-CN")
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if _is_unexpected(msg) else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield page
    context.close()
    assert not errors, f"the browser reported errors: {errors}"


def _is_unexpected(message) -> bool:
    """Console errors fail a test, except the browser's note on answers the app sends on purpose:
    422 (a form with errors, swapped in by htmx) and 409 (changed by someone else)."""
    text = message.text
    return message.type == "error" and not re.search(r"status of (409|422)\b", text)


def screenshot(page, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True, caret="initial")  # no style="" left on inputs (CSP)
    return path


def sign_in(page, username: str, password: str) -> None:
    page.goto("/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("form[data-testid=login-form] button[type=submit]")
