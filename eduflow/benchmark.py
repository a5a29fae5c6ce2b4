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
import gc
import io
import statistics
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import click
from flask import current_app
from sqlalchemy import event

from eduflow.benchmark_screens import HTMX, IMPORT_REQUEST_MS, Screen, screens, signed_in


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


# ---------- measuring ----------

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
            client = clients.get(screen.user) or clients.setdefault(screen.user, signed_in(app, facts, screen.user))
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
    client = signed_in(app, facts, "manager")
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

