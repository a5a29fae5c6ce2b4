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
from contextlib import contextmanager
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


@contextmanager
def device(browser, live_server, **options):
    """A factory of pages on one kind of device: open_page(locale="zh-CN") → a page in a browser context of its own
    (its own cookies: one signed-in person each), made with `options` (viewport, has_touch, is_mobile …).

    On leaving, every context closes, and any console error or page error in any of them fails the test."""
    contexts, errors = [], []

    def open_page(locale: str = "zh-CN"):
        context = browser.new_context(base_url=live_server, locale=locale, **options)
        contexts.append(context)
        page = context.new_page()
        page.on("console", lambda msg: errors.append(msg.text) if _is_unexpected(msg) else None)
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        return page

    yield open_page
    for context in contexts:
        context.close()
    assert not errors, f"the browser reported errors: {errors}"


@pytest.fixture
def page(browser, live_server):
    """A page on the tablet's screen (768 × 1024), in Chinese."""
    with device(browser, live_server, viewport=TABLET) as open_page:
        yield open_page()


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


_SETTLED_JS = """async (limit) => {
  await document.fonts.ready;
  const busy = () => document.readyState !== 'complete'
    || document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling, .htmx-added');
  const frame = () => new Promise((resolve) => requestAnimationFrame(() => resolve()));
  const until = performance.now() + limit;
  for (let quiet = 0; quiet < 3;) {
    if (performance.now() > until) return false;
    await frame();
    quiet = busy() ? 0 : quiet + 1;
  }
  return true;
}"""


def settle(page, timeout_ms: int = 15_000) -> None:
    """Wait until the page has loaded, its fonts are in and no htmx request, swap or settle is under way for three
    frames running (fragments asked for on load or when scrolled into view included).

    What `wait_for_load_state("networkidle")` waits for, without its fixed half second of silence after every page."""
    assert page.evaluate(_SETTLED_JS, timeout_ms), f"{page.url} was still loading after {timeout_ms} ms"


def open_menu(page) -> None:
    """Open the tablet's side menu from the top bar's ☰ and wait until it has slid in.

    The page is settled first: the ☰ is drawn before the deferred Bootstrap script has run, and a tap in that moment
    does nothing (on a slow machine the menu then never opened)."""
    toggle = page.get_by_test_id("menu-toggle")
    toggle.wait_for()  # after a sign-in, the page it led to
    settle(page)
    toggle.click()
    page.wait_for_selector("#ef-sidebar.show:not(.showing)")


def sign_in(page, username: str, password: str) -> None:
    page.goto("/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("form[data-testid=login-form] button[type=submit]")


# --- Layout probes (tests/core/test_layout_browser.py, test_axe_browser.py) -------------------------------

MIN_TARGET = 44  # px, the tablet's tap target (WCAG 2.5.5)
MIN_TEXT = 12  # px

_SMALL_TARGETS_JS = """(min) => {
  const CONTROLS = 'a[href], button, input:not([type=hidden]), select, textarea, summary, [role=button], [tabindex]:not([tabindex="-1"])';
  const visible = (el) => {
    if (el.closest('.visually-hidden, .visually-hidden-focusable, [hidden], [aria-hidden=true], [inert]')) return false;
    const style = getComputedStyle(el);
    if (style.visibility === 'hidden' || style.display === 'none') return false;
    const box = el.getBoundingClientRect();
    return box.width > 0 && box.height > 0;
  };
  // Exempt (WCAG 2.5.5's own exceptions): a link inside a sentence, whose size is the line's.
  const inline_link = (el) => el.matches('a') && !!el.closest('p, .ef-prose');
  const union = (a, b) => {
    const left = Math.min(a.left, b.left), top = Math.min(a.top, b.top);
    return {width: Math.max(a.right, b.right) - left, height: Math.max(a.bottom, b.bottom) - top};
  };
  const size = (el) => {
    let box = el.getBoundingClientRect();
    // A checkbox or radio is tapped through its label too: the label's box counts with it.
    if (el.matches('input[type=checkbox], input[type=radio]') && el.labels) {
      for (const label of el.labels) if (visible(label)) box = union(box, label.getBoundingClientRect());
    }
    return {width: Math.round(box.width * 10) / 10, height: Math.round(box.height * 10) / 10};
  };
  const describe = (el) => {
    const text = (el.innerText || el.value || el.getAttribute('aria-label') || el.name || '').trim().replace(/\\s+/g, ' ');
    const id = el.dataset.testid ? `[data-testid=${el.dataset.testid}]` : (el.id ? '#' + el.id : '');
    return `<${el.tagName.toLowerCase()}${el.type ? ' type=' + el.type : ''}${id}${el.className && typeof el.className === 'string' ? ' class="' + el.className + '"' : ''}> ${text.slice(0, 40)}`;
  };
  const small = [];
  for (const el of document.querySelectorAll(CONTROLS)) {
    if (!visible(el) || el.disabled || inline_link(el)) continue;
    if (el.matches('input[type=checkbox], input[type=radio]') && el.closest('label') && el.closest('label').matches(CONTROLS)) continue;
    const {width, height} = size(el);
    if (width < min || height < min) small.push(`${describe(el)} (${width}×${height})`);
  }
  return small;
}"""

_SMALL_TEXT_JS = """(min) => {
  const small = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const seen = new Set();
  while (walker.nextNode()) {
    const node = walker.currentNode, el = node.parentElement;
    if (!node.textContent.trim() || seen.has(el)) continue;
    seen.add(el);
    if (el.closest('.visually-hidden, .visually-hidden-focusable, [hidden], script, style, noscript, option')) continue;
    const box = el.getBoundingClientRect(), style = getComputedStyle(el);
    if (!box.width || !box.height || style.visibility === 'hidden') continue;
    const px = parseFloat(style.fontSize);
    if (px < min) small.push(`<${el.tagName.toLowerCase()} class="${el.className}"> ${node.textContent.trim().slice(0, 30)} (${px}px)`);
  }
  return small;
}"""

_WIDE_JS = """() => {
  const page = document.documentElement;
  const wider = [];
  if (page.scrollWidth > page.clientWidth) {
    for (const el of document.body.querySelectorAll('*')) {
      const box = el.getBoundingClientRect();
      if (box.right > page.clientWidth + 0.5 && box.width) {
        wider.push(`<${el.tagName.toLowerCase()} class="${el.className}"> right=${Math.round(box.right)}`);
        if (wider.length > 5) break;
      }
    }
  }
  return {width: page.scrollWidth, viewport: page.clientWidth, wider};
}"""


def small_targets(page, minimum: int = MIN_TARGET) -> list[str]:
    """The visible controls (links, buttons, fields, summaries) smaller than minimum × minimum px; a
    checkbox counts with its label, a link inside a paragraph is exempt (its size is the line's)."""
    return page.evaluate(_SMALL_TARGETS_JS, minimum)


def small_text(page, minimum: int = MIN_TEXT) -> list[str]:
    """The visible elements whose own text is set below minimum px."""
    return page.evaluate(_SMALL_TEXT_JS, minimum)


def page_width(page) -> dict:
    """The page's scroll width against the viewport's, with the first elements that reach past it."""
    return page.evaluate(_WIDE_JS)


AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"


def run_axe(page, impacts=("serious", "critical")) -> list[dict]:
    """axe-core's violations of the given impacts on the page as it stands.

    axe is evaluated through the DevTools protocol (page.evaluate of its source), which the page's
    Content-Security-Policy does not govern, so the page itself is served and rendered under the real
    strict CSP (a <script> tag would be refused; bypass_csp would also let through inline styles the
    app must not rely on, and axe would judge a page no user sees)."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text(encoding="utf-8") + "\n;undefined")
    result = page.evaluate("""async () => {
      const r = await axe.run(document, {resultTypes: ['violations']});
      return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
        nodes: v.nodes.map(n => ({target: n.target.join(' '), summary: n.failureSummary}))}));
    }""")
    return [v for v in result if v["impact"] in impacts]


@pytest.fixture
def tablet(browser, live_server):
    """A factory of pages on the front desk's touch tablet (768 × 1024, touch, so CSS sees pointer: coarse).

    Each call opens its own browser context (its own cookies: one signed-in person each); they close at the
    end, and any console error or page error in any of them fails the test, as with `page`."""
    with device(browser, live_server, viewport=TABLET, has_touch=True) as open_page:
        yield open_page


def use_language(page, code: str) -> None:
    """Switch the signed-in user's interface language the way the sidebar's switch does."""
    form = page.locator("form.ef-language")
    page.request.post(form.get_attribute("action"), form={
        "locale": code, "csrf_token": form.locator("input[name=csrf_token]").get_attribute("value")})
