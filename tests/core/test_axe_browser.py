"""axe-core on the screens staff use most, on the touch tablet in both languages: no serious or critical violation
(colour contrast at least 4.5:1 among them).

axe (tests/vendor/axe.min.js, vendored for tests only: the app never serves it) is evaluated through the DevTools
protocol by tests.browser_support.run_axe, so each page is the one the app serves, under its real strict CSP.
"""
from __future__ import annotations

import pytest
from sqlalchemy import select

from eduflow.demo import DEMO_PASSWORD
from eduflow.extensions import db
from eduflow.models import Attendance, Enrollment, Lead, Lesson, Student, User
from tests.browser_support import AXE, run_axe, settle, sign_in, use_language
from tests.demo_school import demo_school

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _first(statement):
    return db.session.scalars(statement.limit(1)).one()


@pytest.fixture
def screens(app):
    """The demo school; the seven screens, each opened by the person who works on it."""
    demo_school()
    sales = db.session.scalars(select(User).where(User.username == "sales1")).one()
    teacher = db.session.scalars(select(User).where(User.username == "teacher1")).one()
    lead = _first(select(Lead).where(Lead.owner_id == sales.id).order_by(Lead.id))
    student = _first(select(Student).join(Enrollment, Enrollment.student_id == Student.id).order_by(Student.id))
    enrollment = _first(select(Enrollment).where(Enrollment.student_id == student.id))
    lesson = _first(select(Lesson).join(Attendance, Attendance.lesson_id == Lesson.id)
                    .where(Lesson.teacher_id == teacher.id).order_by(Lesson.lesson_date.desc()))
    return {
        "sales1": ["/", "/leads/board", "/leads", f"/leads/{lead.id}"],
        "manager1": ["/", "/leads/board", "/leads", f"/students/{student.id}", f"/enrollments/{enrollment.id}"],
        "teacher1": ["/", f"/lessons/{lesson.id}/attendance"],
    }


def _describe(violations) -> str:
    return "; ".join(f"{v['id']} ({v['impact']}): {v['help']} at " + ", ".join(
        f"{n['target']} [{(n['summary'] or '').splitlines()[-1].strip()}]" for n in v["nodes"][:5]) for v in violations)


@pytest.mark.parametrize("language", ["zh", "en"])
def test_the_main_screens_have_no_serious_accessibility_violation(tablet, screens, language):
    found = []
    for username, urls in screens.items():
        page = tablet()
        sign_in(page, username, DEMO_PASSWORD)
        page.wait_for_url(lambda url: "/login" not in url)
        use_language(page, language)
        for url in urls:
            response = page.goto(url)
            assert response.status == 200, (username, url)
            assert "script-src 'self'" in response.headers["content-security-policy"]  # the real, strict CSP
            settle(page)
            violations = run_axe(page)
            if violations:
                found.append(f"{language} {username} {url}: {_describe(violations)}")
    assert not found, "\n".join(found)


def test_axe_runs_under_the_csp_and_finds_poor_contrast(tablet, screens):
    """The check itself: on a page served under the strict CSP, axe runs and reports a grey-on-white line as a
    serious contrast violation (and nothing before the line is added)."""
    page = tablet()
    sign_in(page, "manager1", DEMO_PASSWORD)
    page.wait_for_url(lambda url: "/login" not in url)
    response = page.goto("/leads")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    assert run_axe(page) == []
    page.evaluate("""() => {
        const line = document.createElement('p');
        line.textContent = '浅灰色的说明文字 light grey text';
        line.style.setProperty('color', '#b0b0b0');
        line.style.setProperty('background', '#ffffff');
        document.querySelector('main').prepend(line);
    }""")
    violations = run_axe(page)
    assert [v["id"] for v in violations] == ["color-contrast"], violations
    assert AXE.exists() and page.request.get("/static/vendor/axe.min.js").status == 404  # for tests only
