"""Every page of the parent side on a 375 × 667 phone, in both languages: axe-core finds no serious or critical
violation, nothing scrolls sideways, every control is at least 44 × 44 px and no text is below 12 px.

The demo school's parent with two children (README) opens each tab and the pages they lead to: a child's 课时明细,
a receipt, a leave form, the calendar, the inbox and its settings.
"""
from __future__ import annotations

import pytest

from eduflow.demo import DEMO_PASSWORD
from eduflow.demo.parents import DEMO_PARENTS
from tests.demo_school import demo_school
from tests.browser_support import page_width, run_axe, small_targets, small_text
from tests.parents.conftest import sign_in_on_phone

pytestmark = pytest.mark.browser

TABS = ["/p/", "/p/timetable", "/p/hours", "/p/payments", "/p/reviews", "/p/inbox", "/p/inbox/settings",
        "/p/calendar"]
DETAILS = {  # a page reached from a tab: (tab, link on it)
    "hours detail": ("/p/hours", "a[href^='/p/hours/']"),
    "receipt": ("/p/payments", "a[href$='/receipt']"),
    "leave form": ("/p/timetable", "a[href*='/leave']"),
}


@pytest.fixture
def demo_parent(app):
    demo_school()
    return DEMO_PARENTS[0][2]


def _problems(page, url: str, language: str) -> list[str]:
    found = []
    if violations := run_axe(page):
        found += [f"{language} {url}: axe {v['id']} ({v['impact']}): {v['help']} at "
                  + ", ".join(n["target"] for n in v["nodes"][:3]) for v in violations]
    width = page_width(page)
    if width["width"] > width["viewport"]:
        found.append(f"{language} {url}: scrolls sideways ({width['width']} > {width['viewport']}): {width['wider']}")
    if targets := small_targets(page):
        found.append(f"{language} {url}: small targets {targets[:5]}")
    if text := small_text(page):
        found.append(f"{language} {url}: small text {text[:5]}")
    return found


def test_every_parent_page_is_accessible_and_fits_the_phone(phone, demo_parent):
    found = []
    for language in ("zh-CN", "en"):  # one demo school for both languages
        found += _check_pages(phone(language), demo_parent, language)
    assert not found, "\n".join(found)


def _check_pages(page, demo_parent: str, language: str) -> list[str]:
    if language == "en":
        page.goto("/p/login")
        with page.expect_navigation():
            page.select_option("#language-select", "en")  # the login page's switch, as a parent would
    sign_in_on_phone(page, demo_parent, DEMO_PASSWORD)
    urls = list(TABS)
    for name, (tab, selector) in DETAILS.items():
        page.goto(tab)
        link = page.locator(selector).first
        assert link.count(), f"no {name} link on {tab}"
        urls.append(link.get_attribute("href"))
    found = []
    for url in urls:
        response = page.goto(url)
        assert response.status == 200, url
        page.wait_for_load_state("networkidle")
        assert page.locator("html").get_attribute("lang") == ("en" if language == "en" else "zh-CN"), url
        found += _problems(page, url, language)
    return found
