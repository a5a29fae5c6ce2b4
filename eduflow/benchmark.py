"""`flask --app eduflow benchmark`: every main screen and action timed on a chain-sized campus.

Builds a throw-away database (SQLite in a temporary directory unless --database-url names an empty
one) with `bench-data` (100,000 leads, 1,000,000 follow-ups, 300,000 attendance marks a campus at
scale 1), then sends each screen's real HTTP request through the app, as the user who opens it,
several times. For each it prints the median and p95 server time, the SQL statements one request
sent and the response size, against the screen's budget; then it imports a spreadsheet through the
import pages. Exits non-zero when anything is over its budget.

The test client calls the app in this process, so the time measured is the server's own: routing,
queries, rendering, no network.
"""
from __future__ import annotations

import csv
import datetime as dt
import gc
import io
import re
import statistics
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import click
from flask import current_app
from sqlalchemy import event

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


@dataclass
class Measured:
    screen: Screen
    timings: list[float]
    statements: int
    size: int

    @property
    def median(self) -> float:
        return statistics.median(self.timings)

    @property
    def p95(self) -> float:
        ordered = sorted(self.timings)
        return ordered[min(len(ordered) - 1, max(0, round(0.95 * len(ordered)) - 1))]

    def over(self) -> list[str]:
        found = []
        if self.p95 > self.screen.budget_ms:
            found.append(f"p95 {self.p95:.0f} ms > {self.screen.budget_ms:.0f} ms")
        if self.screen.max_statements is not None and self.statements > self.screen.max_statements:
            found.append(f"{self.statements} statements > {self.screen.max_statements}")
        if self.screen.max_bytes is not None and self.size > self.screen.max_bytes:
            found.append(f"{self.size} bytes > {self.screen.max_bytes}")
        return found


@click.command("benchmark")
@click.option("--campuses", default=1, show_default=True, help="Campuses bench-data builds.")
@click.option("--scale", default=1.0, show_default=True,
              help="1.0: 100,000 leads, 1,000,000 follow-ups, 300,000 marks a campus.")
@click.option("--database-url", default=None, help="An EMPTY database to fill (default: temporary SQLite).")
@click.option("--reuse", is_flag=True, help="--database-url already holds bench-data built today: do not build.")
@click.option("--repeat", default=20, show_default=True, help="Requests per screen (median and p95 of them).")
@click.option("--only", default="", help="Only the screens whose name contains this text.")
@click.option("--import-rows", default=20_000, show_default=True, help="Rows of the spreadsheet to import (0: skip).")
def benchmark_command(campuses: int, scale: float, database_url: str | None, reuse: bool, repeat: int, only: str,
                      import_rows: int) -> None:
    """Time every main screen and action on a chain-sized campus; non-zero exit when one is over budget."""
    from flask_migrate import upgrade

    from eduflow import create_app
    from eduflow.benchdata import build, sample

    if reuse and not database_url:
        raise click.UsageError("--reuse needs --database-url")
    with tempfile.TemporaryDirectory() as tmp:
        url = database_url or f"sqlite:///{Path(tmp) / 'benchmark.db'}"
        config = {key: current_app.config[key] for key in
                  ("SECRET_KEY", "EDUFLOW_DATA_KEYS", "EDUFLOW_ACTIVE_DATA_KEY_ID", "EDUFLOW_INDEX_KEY")}
        app = create_app(config | {"SQLALCHEMY_DATABASE_URI": url, "WTF_CSRF_ENABLED": False})
        with app.app_context():
            upgrade()
            started = time.perf_counter()
            facts = sample() if reuse else build(campuses, scale=scale)
            click.echo(f"bench data {'found' if reuse else 'built'} in {time.perf_counter() - started:.1f}s "
                       f"({campuses} campus{'es' if campuses > 1 else ''}, scale {scale})")
        gc.collect()
        gc.freeze()  # as wsgi.py does in every production worker: the long-lived heap out of the collector's walk
        over = _time_screens(app, facts, repeat, only)
        if import_rows and not only:
            over += _time_import(app, facts, import_rows)
        with app.app_context():
            from eduflow.extensions import db

            db.engine.dispose()
    if over:
        raise click.ClickException("over budget: " + "; ".join(over))


# ---------- the screens ----------

def screens(app, facts) -> list[Screen]:
    """Every main screen and action, in the order a school's day meets them."""
    today = _today(app)
    month = f"start={(today - dt.timedelta(days=29)).isoformat()}&end={today.isoformat()}"
    year = f"start={(today - dt.timedelta(days=364)).isoformat()}&end={today.isoformat()}"
    lead, student = facts.busy_lead_id, facts.student_id
    older = _older_timeline_page(app, facts)
    terms = _search_terms(app, facts)
    manager = _signed_in(app, facts, "manager")
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
    client = _signed_in(app, facts, "sales")
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


# ---------- measuring ----------

def _signed_in(app, facts, who: str):
    from eduflow.benchdata import BENCH_PASSWORD

    client = app.test_client()
    response = client.post("/login", data={"username": getattr(facts, who), "password": BENCH_PASSWORD})
    if response.status_code != 302:
        raise click.ClickException(f"{who} could not sign in ({response.status_code})")
    return client


def _time_screens(app, facts, repeat: int, only: str) -> list[str]:
    clients: dict[str, object] = {}
    statements = [0]

    def count(*_args):
        statements[0] += 1

    with app.app_context():
        from eduflow.extensions import db

        engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    over = []
    click.echo(f"{'screen':34} {'user':8} {'median':>8} {'p95':>8} {'budget':>7} {'SQL':>4} {'bytes':>9}")
    try:
        for screen in screens(app, facts):
            if only and only not in screen.name:
                continue
            client = clients.get(screen.user) or clients.setdefault(screen.user, _signed_in(app, facts, screen.user))
            measured = _measure(client, screen, screen.repeat or repeat, statements)
            problems = measured.over()
            click.echo(f"{screen.name:34} {screen.user:8} {measured.median:8.1f} {measured.p95:8.1f} "
                       f"{screen.budget_ms:7.0f} {measured.statements:4} {measured.size:9}  "
                       + ("ok" if not problems else "OVER: " + ", ".join(problems)))
            over += [f"{screen.name}: {problem}" for problem in problems]
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return over


def _measure(client, screen: Screen, repeat: int, statements: list[int]) -> Measured:
    timings, most, size = [], 0, 0
    if screen.call(0).method == "GET" and (screen.repeat or 2) > 1:  # warm the caches once, as a server is
        client.open(screen.call(0).url, headers=screen.call(0).headers).get_data()
    for n in range(repeat):
        call = screen.call(n)
        statements[0] = 0
        started = time.perf_counter()
        response = client.open(call.url, method=call.method, data=call.data, headers=call.headers)
        body = response.get_data()  # a streamed export is produced here, inside the timing
        timings.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            raise click.ClickException(f"{screen.name}: {call.method} {call.url} answered {response.status_code}")
        most, size = max(most, statements[0]), max(size, len(body))
    return Measured(screen, timings, most, size)


# ---------- an import through its pages ----------

def _time_import(app, facts, rows: int) -> list[str]:
    """Upload a CSV of `rows` new leads, preview and commit it through HTTP as the browser would."""
    client = _signed_in(app, facts, "manager")
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(["姓名", "手机号", "课程顾问", "录入时间"])
    for n in range(rows):
        writer.writerow([f"导入{n}", f"199{n:08d}", facts.sales, "2024-03-01 09:30"])
    timings: dict[str, list[float]] = {"upload": [], "preview step": [], "commit step": []}

    def timed(kind: str, *args, **kwargs):
        started = time.perf_counter()
        response = client.post(*args, **kwargs)
        timings[kind].append((time.perf_counter() - started) * 1000)
        if response.status_code not in (200, 204, 302):
            raise click.ClickException(f"import {kind} answered {response.status_code}")
        return response

    started = time.perf_counter()
    upload = timed("upload", "/imports", data={"kind": "leads", "file": (io.BytesIO(text.getvalue().encode("gbk")),
                                                                         "benchmark.csv")})
    batch = upload.headers["Location"].rstrip("/").rsplit("/", 1)[-1]
    client.post(f"/imports/{batch}/mapping", data={"col_name": "0", "col_phone": "1", "col_owner": "2",
                                                   "col_created_at": "3"})
    _drive(timed, "preview step", batch)
    client.post(f"/imports/{batch}/commit", data={})
    _drive(timed, "commit step", batch)
    click.echo(f"imported {rows} rows in {time.perf_counter() - started:.1f}s")
    over = []
    for kind, values in timings.items():
        worst = max(values)
        verdict = "ok" if worst <= IMPORT_REQUEST_MS else "OVER"
        click.echo(f"import {kind:13} {len(values):4} requests, slowest {worst:7.1f} ms  "
                   f"budget {IMPORT_REQUEST_MS} ms  {verdict}")
        if verdict == "OVER":
            over.append(f"import {kind}")
    return over


def _drive(timed, kind: str, batch: str) -> None:
    """Poll the step endpoint until it redirects to the finished page, as the progress bar does."""
    while timed(kind, f"/imports/{batch}/step", headers=HTMX).status_code != 204:
        pass

