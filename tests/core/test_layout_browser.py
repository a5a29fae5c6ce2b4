"""Every main page on the front desk's touch tablet (768 × 1024), in Chinese and in English, filled with the demo
school: no control smaller than 44 × 44 px, no text below 12 px, no page that scrolls sideways, and phone fields
that open the number pad.

What counts as a control and what is exempt is in tests/browser_support.py (small_targets): a checkbox or radio
counts with its label (tapping the label ticks it); a link inside a paragraph is exempt (WCAG 2.5.5's inline
exception: its size is the line's). Disabled controls and visually hidden ones are not measured.
"""
from __future__ import annotations

import pytest
from sqlalchemy import select

from eduflow.demo import DEMO_PASSWORD
from eduflow.extensions import db
from eduflow.models import Attendance, Enrollment, Lead, Lesson, Parent, StatusChange, Student, User
from tests.browser_support import (
    TABLET, open_menu, page_width, screenshot, settle, sign_in, small_targets, small_text, use_language,
)
from tests.demo_school import demo_school

pytestmark = [pytest.mark.browser, pytest.mark.slow]

LANGUAGES = {"zh": "zh-CN", "en": "en"}


def _first(statement):
    return db.session.scalars(statement.limit(1)).one()


@pytest.fixture
def school(app):
    """The demo school, and the records each main page is opened on."""
    demo_school()
    users = {user.username: user for user in db.session.scalars(select(User))}
    sales, teacher = users["sales1"], users["teacher1"]
    student = _first(select(Student).join(Enrollment, Enrollment.student_id == Student.id).order_by(Student.id))
    own_lead = _first(select(Lead).where(Lead.owner_id == sales.id).order_by(Lead.id))
    marked = _first(select(Lesson).join(Attendance, Attendance.lesson_id == Lesson.id)
                    .where(Lesson.teacher_id == teacher.id).order_by(Lesson.lesson_date.desc()))
    return {
        "lead": _first(select(Lead).where(Lead.owner_id.is_not(None)).order_by(Lead.id)).id,
        "own_lead": own_lead.id,
        "student": student.id,
        "parent": _first(select(Parent).order_by(Parent.id)).id,
        "parent_student": _first(select(Parent).order_by(Parent.id)).student_id,
        "enrollment": _first(select(Enrollment).where(Enrollment.student_id == student.id)).id,
        "class": _first(select(Enrollment).where(Enrollment.class_id.is_not(None))).class_id,
        "lesson": _first(select(Lesson).join(Attendance, Attendance.lesson_id == Lesson.id).order_by(Lesson.id)).id,
        "teacher_lesson": marked.id,
        "change_student": _first(select(StatusChange).order_by(StatusChange.id)).student_id,
    }


def main_pages(ids: dict) -> dict[str, list[str]]:
    """Who opens which pages: every screen of the menu, each kind of record page and the main forms."""
    return {
        "admin": [
            "/", "/leads/board", "/leads", "/leads/pool", "/leads/deleted", f"/leads/{ids['lead']}",
            "/leads/new", f"/leads/{ids['lead']}/edit", "/students", f"/students/{ids['student']}", "/students/new",
            f"/students/{ids['student']}/edit", f"/students/{ids['parent_student']}/parents/{ids['parent']}/edit",
            f"/students/{ids['change_student']}", "/enrollments", f"/enrollments/{ids['enrollment']}",
            f"/enrollments/new?student_id={ids['student']}", "/enrollments/reminders", "/classes",
            f"/classes/{ids['class']}", "/classes/new", "/timetable", "/today", f"/lessons/{ids['lesson']}/attendance",
            "/students/approvals", "/students/reviews", "/reports", "/reports/funnel", "/reports/money",
            "/reports/attendance", "/imports", "/exports", "/admin/users", "/admin/users/new", "/admin/campuses",
            "/admin/campuses/new", "/admin/courses", "/admin/tags", "/admin/sources", "/admin/settings",
            "/admin/audit", "/account/password",
        ],
        "manager1": ["/", "/leads/board", "/leads", "/leads/pool", "/students/approvals", "/reports/sixspeed"],
        "sales1": ["/", "/leads/board", "/leads", "/leads/pool", f"/leads/{ids['own_lead']}",
                   f"/leads/{ids['own_lead']}/convert", "/enrollments/reminders"],
        "teacher1": ["/", "/today", f"/lessons/{ids['teacher_lesson']}/attendance", "/timetable"],
    }


def _problems(page, where: str) -> list[str]:
    found = [f"{where}: control smaller than 44×44 px: {target}" for target in small_targets(page)]
    found += [f"{where}: text below 12 px: {text}" for text in small_text(page)]
    width = page_width(page)
    if width["width"] > TABLET["width"]:
        found.append(f"{where}: the page is {width['width']} px wide at {TABLET['width']} px: {width['wider']}")
    return found


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_main_page_fits_a_touch_tablet(tablet, school, language):
    problems: list[str] = []

    login = tablet(LANGUAGES[language])
    login.goto("/login")
    if language == "en":
        with login.expect_navigation():
            login.select_option("#language-select", "en")
    assert login.evaluate("document.documentElement.lang") == LANGUAGES[language]
    problems += _problems(login, f"{language} /login")

    for username, urls in main_pages(school).items():
        page = tablet(LANGUAGES[language])
        sign_in(page, username, DEMO_PASSWORD)
        page.wait_for_url(lambda url: "/login" not in url)
        use_language(page, language)
        for url in urls:
            response = page.goto(url)
            assert response.status == 200, f"{username} {url} answered {response.status}"
            settle(page)
            assert page.evaluate("document.documentElement.lang") == LANGUAGES[language], url
            problems += _problems(page, f"{language} {username} {url}")
            if language == "en" and url.endswith("/attendance"):  # "Attendance: Present", not "Attendance：Present"
                lines = [line for line in page.inner_text("main").splitlines() if "：" in line]
                problems += [f"en {username} {url}: a Chinese colon in {line!r}" for line in lines]
            if username == "admin" and url in ("/leads", f"/students/{school['student']}"):
                screenshot(page, f"layout-{language}-{url.strip('/').replace('/', '-')}-tablet")
        if username == "sales1":  # the menu, opened from the top bar's ☰
            page.goto("/")
            open_menu(page)
            problems += _problems(page, f"{language} {username} menu")

    assert not problems, "\n".join(problems)


PHONE_FORMS = {
    "/leads/new": ["phone"],
    "/students/new": ["phone", "parent_phone"],
    "/admin/users/new": ["phone"],
    "/admin/campuses/new": ["phone"],
}


def test_phone_fields_open_the_number_pad(tablet, school):
    page = tablet()
    sign_in(page, "admin", DEMO_PASSWORD)
    page.wait_for_url(lambda url: "/login" not in url)
    forms = dict(PHONE_FORMS)
    forms[f"/leads/{school['lead']}/edit"] = ["phone"]
    forms[f"/students/{school['student']}"] = ["phone"]  # the add-parent form
    forms[f"/students/{school['student']}/edit"] = ["phone"]
    forms[f"/students/{school['parent_student']}/parents/{school['parent']}/edit"] = ["phone"]
    for url, names in forms.items():
        page.goto(url)
        fields = page.evaluate("""() => [...document.querySelectorAll('input')]
            .filter(i => /phone/i.test(i.name)).map(i => [i.name, i.type, i.inputMode])""")
        assert sorted(name for name, _, _ in fields) == sorted(names), url
        assert all(kind == "tel" and mode == "tel" for _, kind, mode in fields), (url, fields)
