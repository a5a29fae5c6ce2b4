"""`flask --app eduflow benchmark`: how fast the busiest screens answer with a large campus.

Builds a throw-away database (SQLite in a temporary directory unless --database-url names an empty
one), fills one campus with N leads spread over every stage and salesperson, then times real HTTP
requests through the app: the board, the list with a pinyin search, a last-four-digits search,
and a lead page; then imports a spreadsheet of M rows through the import pages, timing the upload and
every polled step. Exits non-zero when a screen or an import request is slower than its budget.
"""
from __future__ import annotations

import csv
import io
import random
import statistics
import tempfile
import time
from pathlib import Path

import click
from flask import current_app
from sqlalchemy import insert, select

BUDGET_MS = {"board": 500, "list": 400, "search pinyin": 400, "search last4": 400, "lead page": 300}
IMPORT_REQUEST_BUDGET_MS = 5000  # far below a proxy's or gunicorn's 30 s timeout
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "一二三四五六七八九子涵浩然梓轩欣怡雨桐思远佳琪俊杰"


@click.command("benchmark")
@click.option("--leads", default=100_000, show_default=True, help="Leads on the benchmark campus.")
@click.option("--database-url", default=None, help="An EMPTY database to fill (default: temporary SQLite).")
@click.option("--repeat", default=5, show_default=True, help="Requests per screen; the median counts.")
@click.option("--import-rows", default=20_000, show_default=True, help="Rows of the spreadsheet to import (0: skip).")
def benchmark_command(leads: int, database_url: str | None, repeat: int, import_rows: int) -> None:
    """Time the board, the list, searches and a lead page on a campus with many leads."""
    from flask_migrate import upgrade

    from eduflow import create_app

    with tempfile.TemporaryDirectory() as tmp:
        url = database_url or f"sqlite:///{Path(tmp) / 'benchmark.db'}"
        config = {key: current_app.config[key] for key in
                  ("SECRET_KEY", "EDUFLOW_DATA_KEYS", "EDUFLOW_ACTIVE_DATA_KEY_ID", "EDUFLOW_INDEX_KEY")}
        app = create_app(config | {"SQLALCHEMY_DATABASE_URI": url, "WTF_CSRF_ENABLED": False})
        with app.app_context():
            upgrade()
            started = time.perf_counter()
            manager, sample = _fill(leads)
            click.echo(f"filled {leads} leads in {time.perf_counter() - started:.1f}s")
        slow = _time_screens(app, manager, sample, repeat)
        if import_rows:
            slow += _time_import(app, manager, import_rows)
        with app.app_context():
            from eduflow.extensions import db

            db.engine.dispose()
    if slow:
        raise click.ClickException("over budget: " + ", ".join(slow))


def _fill(count: int):
    from eduflow.admin.services import create_user
    from eduflow.extensions import db
    from eduflow.models import Campus, Lead, LeadStage, Role
    from eduflow.reference import ensure_reference_data
    from eduflow.search import pinyin_of
    from eduflow.security.crypto import blind_index, encrypt

    db.session.info["audit_disabled"] = True
    ensure_reference_data()
    campus = Campus(name="基准校区")
    db.session.add(campus)
    db.session.flush()
    manager = create_user(username="bench-manager", display_name="主管", role=Role.MANAGER, campus=campus,
                          password="benchmark-password")
    sales = [create_user(username=f"bench-sales{i}", display_name=f"顾问{i}", role=Role.SALES, campus=campus,
                         password="benchmark-password") for i in range(20)]
    rng = random.Random(7)
    stages = list(LeadStage)
    rows = []
    for n in range(count):
        name = rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN)
        phone = f"13{n:09d}"
        full, initials = pinyin_of(name)
        rows.append({"name": name, "name_pinyin": full, "name_initials": initials, "campus_id": campus.id,
                     "owner_id": rng.choice(sales).id, "stage": rng.choice(stages).value,
                     "phone_encrypted": encrypt(phone), "phone_hash": blind_index(phone), "phone_last4": phone[-4:],
                     "version": 1})
        if len(rows) == 5000:
            db.session.execute(insert(Lead.__table__), rows)
            rows.clear()
    if rows:
        db.session.execute(insert(Lead.__table__), rows)
    db.session.commit()
    sample = db.session.scalar(select(Lead.id).order_by(Lead.id.desc()).limit(1))
    return manager.username, sample


def _time_screens(app, manager: str, lead_id: int, repeat: int) -> list[str]:
    client = app.test_client()
    client.post("/login", data={"username": manager, "password": "benchmark-password"})
    screens = {
        "board": "/leads/board",
        "list": "/leads",
        "search pinyin": "/leads?q=wang",
        "search last4": "/leads?q=0042",
        "lead page": f"/leads/{lead_id}",
    }
    slow = []
    for name, url in screens.items():
        timings = []
        for _ in range(repeat):
            started = time.perf_counter()
            response = client.get(url)
            timings.append((time.perf_counter() - started) * 1000)
            if response.status_code != 200:
                raise click.ClickException(f"{name}: {url} answered {response.status_code}")
        median = statistics.median(timings)
        verdict = "ok" if median <= BUDGET_MS[name] else "SLOW"
        click.echo(f"{name:15} {url:28} median {median:7.1f} ms  budget {BUDGET_MS[name]} ms  {verdict}")
        if verdict == "SLOW":
            slow.append(name)
    return slow


def _time_import(app, manager: str, rows: int) -> list[str]:
    """Upload a CSV of `rows` new leads, preview and commit it through HTTP as the browser would."""
    client = app.test_client()
    client.post("/login", data={"username": manager, "password": "benchmark-password"})
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(["姓名", "手机号", "课程顾问", "录入时间"])
    for n in range(rows):
        writer.writerow([f"导入{n}", f"199{n:08d}", "bench-sales1", "2024-03-01 09:30"])
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
    slow = []
    for kind, values in timings.items():
        worst = max(values)
        verdict = "ok" if worst <= IMPORT_REQUEST_BUDGET_MS else "SLOW"
        click.echo(f"import {kind:13} {len(values):4} requests, slowest {worst:7.1f} ms  "
                   f"budget {IMPORT_REQUEST_BUDGET_MS} ms  {verdict}")
        if verdict == "SLOW":
            slow.append(f"import {kind}")
    return slow


def _drive(timed, kind: str, batch: str) -> None:
    """Poll the step endpoint until it redirects to the finished page, as the progress bar does."""
    while timed(kind, f"/imports/{batch}/step", headers={"HX-Request": "true"}).status_code != 204:
        pass
