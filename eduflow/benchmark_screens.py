"""The benchmark's screens: every main screen and action a school's day meets, how to ask for each (as the user who
opens it) and its budget. eduflow/benchmark.py times them; tests/test_statement_counts.py counts their statements."""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Callable

import click

SCREEN_MS = 50  # p95 of every screen and action
YEAR_REPORT_MS = 200  # p95 of a report over a whole year
EXPORT_MS = 25_000  # a 100,000-row export, well inside gunicorn's 30 s
FRAGMENT_BYTES = 4096  # a moved card, a marked row, a new timeline entry
MARKING_STATEMENTS = 10  # one tap, 全部出勤 on a 40-student sheet
IMPORT_REQUEST_MS = 5000  # each request of an import, far below a proxy's or gunicorn's 30 s timeout
HTMX = {"HX-Request": "true"}


@dataclass(frozen=True)
class Call:
    method: str
    url: str
    data: dict | None = None
    headers: dict | None = None


@dataclass(frozen=True)
class Screen:
    """One thing a user does, how to ask for it (run n of the repeats), and what it may cost."""

    name: str
    user: str  # which of the sample's users: admin, manager, sales, academic, teacher
    call: Callable[[int], Call]
    budget_ms: float = SCREEN_MS
    max_statements: int | None = None
    max_bytes: int | None = None
    repeat: int | None = None  # None: the command's --repeat


# ---------- the screens ----------

def screens(app, facts) -> list[Screen]:
    """Every main screen and action, in the order a school's day meets them."""
    today = _today(app)
    month = f"start={(today - dt.timedelta(days=29)).isoformat()}&end={today.isoformat()}"
    year = f"start={(today - dt.timedelta(days=364)).isoformat()}&end={today.isoformat()}"
    lead, student = facts.busy_lead_id, facts.student_id
    older = _older_timeline_page(app, facts)
    terms = _search_terms(app, facts)
    manager = signed_in(app, facts, "manager")
    column = lambda steps: _follow(manager, "/leads/board", COLUMN_MORE, steps)  # noqa: E731
    listed = lambda steps: _follow(manager, "/leads", LIST_NEXT, steps)  # noqa: E731
    last_page = _follow(manager, "/leads", LIST_LAST, 1)
    get = lambda url, headers=None: (lambda n: Call("GET", url, headers=headers))  # noqa: E731
    found = [
        Screen("board (manager)", "manager", get("/leads/board")),
        Screen("board (sales)", "sales", get("/leads/board")),
        Screen("board column page 2", "manager", get(column(1), HTMX)),
        Screen("board column page 50", "manager", get(column(49), HTMX)),
        Screen("card move", "sales", _card_move(app, facts), max_bytes=FRAGMENT_BYTES),
        Screen("lead list page 1", "manager", get("/leads")),
        Screen("lead list page 50 (by 下一页)", "manager", get(listed(49))),
        Screen("lead list last page", "manager", get(last_page)),
        Screen("search pinyin", "manager", get(f"/leads?q={terms.pinyin}")),
        Screen("search initials", "manager", get(f"/leads?q={terms.initials}")),
        Screen("search last4", "manager", get(f"/leads?q={terms.last4}")),
        Screen("lead page (2,000 follow-ups)", "sales", get(f"/leads/{lead}")),
        Screen("timeline older page", "sales", get(older, HTMX)),
        Screen("quick-add follow-up", "sales", lambda n: Call(
            "POST", f"/leads/{lead}/follow-ups", {"method": "phone", "content": f"基准测试跟进 {n}"}, HTMX),
            max_bytes=FRAGMENT_BYTES),
        Screen("dashboard (manager)", "manager", get("/")),
        Screen("dashboard (sales)", "sales", get("/")),
        Screen("dashboard (teacher)", "teacher", get("/")),
        Screen("pool", "sales", get("/leads/pool")),
        Screen("student page", "manager", get(f"/students/{student}")),
        Screen("student ledger", "manager", get(f"/students/{student}/enrollments/{facts.enrollment_id}/ledger")),
        Screen("enrolment list", "manager", get("/enrollments")),
        Screen("today's lessons", "teacher", get("/today")),
        Screen("timetable", "manager", get("/timetable")),
        *_sheet_screens(app, facts),
        Screen("audit page", "admin", get("/admin/audit")),
    ]
    from eduflow.reports.catalogue import REPORTS

    for report in REPORTS.values():
        if report.dated:
            found.append(Screen(f"report {report.name} (month)", "manager", get(f"/reports/{report.name}?{month}")))
            found.append(Screen(f"report {report.name} (year)", "manager", get(f"/reports/{report.name}?{year}"),
                                budget_ms=YEAR_REPORT_MS))
        else:
            found.append(Screen(f"report {report.name}", "manager", get(f"/reports/{report.name}")))
    for fmt in ("csv", "xlsx"):
        found.append(Screen(f"export leads.{fmt} (every lead)", "manager", get(f"/exports/leads.{fmt}"),
                            budget_ms=EXPORT_MS, repeat=1))
    return found


def _sheet_screens(app, facts) -> list[Screen]:
    """The attendance sheet, one tap and 全部出勤, on today's unmarked sheets (bench-data makes 32 a day at full size;
    the last is for single taps). Once a run has marked them all, these screens say so instead of measuring."""
    sheets = facts.sheet_lesson_ids
    names = ("attendance sheet", "one tap", "全部出勤 (40 students)")
    if not sheets:
        def marked(_n):
            raise click.ClickException("today's benchmark attendance sheets are already marked (a benchmark ran on "
                                       "this database today): use a fresh bench-data database, or this one tomorrow")
        return [Screen(name, "teacher", marked) for name in names]
    whole = sheets[:-1] or sheets
    return [
        Screen(names[0], "teacher", lambda n: Call("GET", f"/lessons/{sheets[0]}/attendance")),
        Screen(names[1], "teacher", _tap(app, facts), max_statements=MARKING_STATEMENTS, max_bytes=FRAGMENT_BYTES,
               repeat=min(20, len(_roster(app, sheets[-1])))),
        Screen(names[2], "teacher", lambda n: Call(
            "POST", f"/lessons/{whole[n % len(whole)]}/attendance/all", {"confirm": "y"}, HTMX),
            max_statements=MARKING_STATEMENTS, repeat=min(20, len(whole))),
    ]


def _today(app) -> dt.date:
    with app.app_context():
        from eduflow.i18n import school_today

        return school_today()


COLUMN_MORE = re.compile(r'hx-get="(/leads/board/column/new\?[^"]*after=[^"]*)"')
LIST_NEXT = re.compile(r'href="(/leads\?[^"]*after=[^"]*)"')
LIST_LAST = re.compile(r'href="(/leads\?page=\d+)"')


def _follow(client, url: str, link: re.Pattern, steps: int) -> str:
    """The URL reached from `url` by following its `link` (the "load more" or 下一页 a user taps) `steps` times,
    or as far as a small campus's list goes (at least once)."""
    for step in range(steps):
        html = client.get(url, headers=HTMX if "/column/" in url else None).get_data(as_text=True)
        found = link.findall(html)
        if not found:
            if step == 0:
                raise click.ClickException(f"no further page after {url}")
            break
        url = found[-1].replace("&amp;", "&")
    return url


@dataclass(frozen=True)
class SearchTerms:
    pinyin: str
    initials: str
    last4: str


def _search_terms(app, facts) -> SearchTerms:
    """What a user would type to find the busy lead: the start of its pinyin, its initials, its last 4 digits."""
    with app.app_context():
        from eduflow.extensions import db
        from eduflow.models import Lead

        lead = db.session.get(Lead, facts.busy_lead_id)
        return SearchTerms(lead.name_pinyin[:4], lead.name_initials, lead.phone_last4)


def _older_timeline_page(app, facts) -> str:
    """The lead page's own link to the second page of its timeline."""
    client = signed_in(app, facts, "sales")
    html = client.get(f"/leads/{facts.busy_lead_id}/timeline", headers=HTMX).get_data(as_text=True)
    found = re.search(r'/leads/\d+/timeline\?before=[^"\']+', html)
    if found is None:
        raise click.ClickException("the busy lead's timeline has no older page")
    return found.group(0).replace("&amp;", "&")


def _card_move(app, facts):
    """Move one of the salesperson's open leads to the next open stage (its version read fresh each time)."""
    from eduflow.leads.stages import OPEN_STAGES
    from eduflow.models import Lead

    def call(n: int) -> Call:
        with app.app_context():
            from eduflow.extensions import db

            lead = db.session.get(Lead, facts.movable_lead_ids[n % len(facts.movable_lead_ids)])
            stages = [stage for stage in OPEN_STAGES if stage != lead.stage]
            target = stages[n % len(stages)]
            return Call("POST", f"/leads/{lead.id}/move", {"stage": target.value, "version": str(lead.version),
                                                         "from_stage": lead.stage.value}, HTMX)

    return call


def _roster(app, lesson_id: int) -> list[int]:
    with app.app_context():
        from eduflow.attendance.roster import roster
        from eduflow.extensions import db
        from eduflow.models import Lesson

        rows = roster(db.session.get(Lesson, lesson_id))
        return [row.student.id for row in rows if row.enrollment_id and not (row.former or row.suspended)]


def _tap(app, facts):
    """Mark one student present on the last sheet lesson (a different student each time)."""
    lesson_id = facts.sheet_lesson_ids[-1]
    students = _roster(app, lesson_id)
    return lambda n: Call("POST", f"/lessons/{lesson_id}/attendance/{students[n % len(students)]}",
                          {"status": "present", "confirm": "y"}, HTMX)


def signed_in(app, facts, who: str):
    from eduflow.benchdata import BENCH_PASSWORD

    client = app.test_client()
    response = client.post("/login", data={"username": getattr(facts, who), "password": BENCH_PASSWORD})
    if response.status_code != 302:
        raise click.ClickException(f"{who} could not sign in ({response.status_code})")
    return client
