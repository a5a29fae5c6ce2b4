"""The lead screens cost the same number of statements at 80 leads and at 800: nothing is loaded per
lead or per page, and (on SQLite, where EXPLAIN QUERY PLAN can be read) their queries come from indexes."""
from __future__ import annotations

import datetime as dt
import html
import re

import pytest
from sqlalchemy import event, func, insert, select

from eduflow.extensions import db
from eduflow.models.leads import name_key_rows
from eduflow.rollups import rebuild_all
from eduflow.models import Course, FollowUp, Lead, LeadNameKey, LeadStage, SixSpeed, Tag, lead_courses, lead_tags, utcnow
from eduflow.search import pinyin_of
from eduflow.security.crypto import blind_index
from tests.statements import counted

HX = {"HX-Request": "true"}
PLAN = "\n-- plan --\n"
NAMES = ["王小明", "张三", "李四", "赵子涵", "王浩然", "周思远"]
STAGES = list(LeadStage)


def _add_leads(campus_id: int, owner_ids: list, count: int, start: int) -> None:
    """`count` leads in bulk (Core, as the importer and the bench data write them) with tags, courses,
    six-speed sheets and a follow-up each, spread over every stage and owner (and the pool)."""
    now = utcnow()
    rows = []
    for n in range(start, start + count):
        name = NAMES[n % len(NAMES)]
        full, initials = pinyin_of(name)
        phone = f"139{n:08d}"
        rows.append({"name": name, "name_pinyin": full, "name_initials": initials, "campus_id": campus_id,
                     "owner_id": owner_ids[n % len(owner_ids)],
                     "stage": LeadStage.NEW if n % 4 else STAGES[n // 4 % len(STAGES)],
                     "phone_encrypted": phone, "phone_hash": blind_index(phone), "phone_last4": phone[-4:],
                     "created_at": now - dt.timedelta(hours=n), "last_followup_at": now - dt.timedelta(days=n % 9),
                     "next_followup_at": None if n % 3 == 0 else now + dt.timedelta(hours=n % 50 - 25)})
    db.session.execute(insert(Lead), rows)
    ids = db.session.scalars(select(Lead.id).order_by(Lead.id.desc()).limit(count)).all()
    db.session.execute(insert(LeadNameKey), [key for ident, name, campus in db.session.execute(
        select(Lead.id, Lead.name, Lead.campus_id).where(Lead.id.in_(ids))) for key in name_key_rows(ident, campus, name)])
    tag, course = db.session.scalar(select(Tag.id).limit(1)), db.session.scalar(select(Course.id).limit(1))
    db.session.execute(insert(lead_tags), [{"lead_id": i, "tag_id": tag} for i in ids])
    db.session.execute(insert(lead_courses), [{"lead_id": i, "course_id": course} for i in ids])
    db.session.execute(insert(SixSpeed), [{"lead_id": i, "stickiness": "2"} for i in ids[::2]])
    db.session.execute(insert(FollowUp), [{"lead_id": i, "method": "phone", "content": "跟进", "followed_at": now}
                                          for i in ids])
    rebuild_all()  # bulk inserts pass the session's rollup hooks by, as bench-data's do: rebuild like it
    db.session.commit()


@pytest.fixture
def grow(campuses, users):
    db.session.add_all([Course(name="钢琴"), Tag(name="试听过")])
    db.session.commit()
    owners = [users["sales"].id, users["sales"].id, users["sales2"].id, None, users["manager"].id]  # 5: not 6 names
    added = [0]

    def grow_to(total: int):
        _add_leads(campuses[0].id, owners, total - added[0], added[0])
        _add_leads(campuses[1].id, [users["sales_b"].id], (total - added[0]) // 3, 10_000 + added[0])
        added[0] = total

    return grow_to


def _next_link(page: str, testid: str) -> str:
    """The href (or hx-get) of the element with this data-testid."""
    match = re.search(rf'<[^>]*(?:href|hx-get)="([^"]+)"[^>]*data-testid="{testid}"', page) or \
        re.search(rf'data-testid="{testid}"[^>]*(?:href|hx-get)="([^"]+)"', page)
    assert match, testid
    return html.unescape(match.group(1))


def _screens(client, lead_id: int) -> dict[str, tuple[str, dict]]:
    board = client.get("/leads/board").get_data(as_text=True)
    listing = client.get("/leads").get_data(as_text=True)
    return {
        "board": ("/leads/board", {}),
        "column page 2": (_next_link(board, "more-new"), HX),
        "list page 1": ("/leads", {}),
        "list next page": (_next_link(listing, "page-next"), {}),
        "list last page": (_next_link(listing, "page-last"), {}),
        "list deep page": ("/leads?page=99999", {}),
        "search pinyin": ("/leads?q=wang", {}),
        "search initials": ("/leads?q=zs", {}),
        "search last four": ("/leads?q=0042", {}),
        "search phone": ("/leads?q=13900000042", {}),
        "board search": ("/leads/board?q=wang", {}),
        "pool": ("/leads/pool", {}),
        "lead page": (f"/leads/{lead_id}", {}),
        "timeline": (f"/leads/{lead_id}/timeline", HX),
    }


def _statements(client, lead_id: int) -> dict[str, int]:
    counts = {}
    for name, (url, headers) in _screens(client, lead_id).items():
        with counted() as statements:
            response = client.get(url, headers=headers)
        assert response.status_code == 200, (name, url)
        counts[name] = len(statements)
    return counts


@pytest.mark.parametrize("role", ["manager", "sales"])
def test_every_lead_screen_costs_the_same_statements_at_ten_times_the_leads(client, login_as, grow, users, role):
    grow(80)  # enough for a second page of the list and of the 新咨询 column, for the salesperson too
    login_as(role)
    lead_id = db.session.scalar(select(Lead.id).where(Lead.owner_id == users["sales"].id).order_by(Lead.id))
    small = _statements(client, lead_id)
    grow(800)
    assert _statements(client, lead_id) == small


def _movable():
    """A lead alike in everything the move reads and writes (a new, owned lead with a six-speed sheet)."""
    return select(Lead).where(Lead.stage == LeadStage.NEW, Lead.owner_id.is_not(None),
                              Lead.id.in_(select(SixSpeed.lead_id))).order_by(Lead.id).limit(1)


def test_a_moved_card_is_a_small_fragment_at_ten_times_the_leads(client, login_as, grow, users):
    grow(300)
    login_as("manager")
    lead = db.session.scalar(_movable())
    with counted() as statements:
        response = client.post(f"/leads/{lead.id}/move", data={"stage": "contacted", "version": lead.version},
                               headers=HX)
    assert response.status_code == 200 and len(response.data) < 4096
    grow(600)
    lead = db.session.scalar(_movable())
    with counted() as again:
        client.post(f"/leads/{lead.id}/move", data={"stage": "contacted", "version": lead.version}, headers=HX)
    assert len(again) == len(statements)


def _plans(client, url: str, headers=None) -> list[str]:
    """Each SELECT on leads the request sent, with its plan (SQLite's EXPLAIN QUERY PLAN; PostgreSQL's EXPLAIN with
    sorting and sequential scans priced out, so a Sort node means no index could give the order), as one text."""
    sent = []

    def listener(conn, cursor, statement, parameters, context, executemany):
        sent.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        assert client.get(url, headers=headers or {}).status_code == 200
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    connection = db.engine.raw_connection()
    try:
        cursor = connection.cursor()
        if db.engine.dialect.name == "postgresql":
            cursor.execute("SET enable_sort = off")
            cursor.execute("SET enable_seqscan = off")
        plans = []
        for statement, parameters in sent:
            if statement.lstrip().upper().startswith("SELECT") and "FROM leads" in statement:
                prefix = "EXPLAIN QUERY PLAN " if db.engine.dialect.name == "sqlite" else "EXPLAIN "
                cursor.execute(prefix + statement, parameters)
                plans.append(statement + PLAN + "\n".join(str(row[-1]) for row in cursor.fetchall()))
        return plans
    finally:
        connection.rollback()
        connection.close()


def _plan_of(plans: list[str], marker: str) -> str:
    found = [plan for plan in plans if marker in plan.split(PLAN)[0]]
    assert found, marker
    return found[0].split(PLAN)[1]


def _sends_no(plans: list[str], marker: str) -> bool:
    return not [plan for plan in plans if marker in plan.split(PLAN)[0]]


def test_a_whole_campus_reads_its_totals_from_the_kept_counts(client, login_as, grow, users):
    """The manager's board and list, unfiltered or by stage, count nothing: report_lead_stages holds the totals
    (kept in the same transaction as every change); a filter that narrows further counts on an index."""
    grow(90)
    login_as("manager")
    for url in ("/leads/board", "/leads", "/leads?stage=new"):
        assert _sends_no(_plans(client, url), "count("), url
    assert not _sends_no(_plans(client, f"/leads/board?owner={users['sales'].id}"), "count(")
    board = client.get("/leads/board").get_data(as_text=True)
    live = db.session.scalar(select(func.count()).select_from(Lead).where(
        Lead.campus_id == users["manager"].campus_id, Lead.deleted_at.is_(None), Lead.stage == LeadStage.NEW))
    assert 'data-testid="count-new"' in board and re.search(rf'data-testid="count-new"[^>]*>{live}<', board)


@pytest.mark.parametrize("role", ["manager", "sales"])
def test_board_columns_and_list_pages_come_in_index_order(app, client, login_as, grow, role):
    """Every column of the board and every list page is an index range in the list's order: no sort of the campus.
    SQLite: its plan names the index and no temporary B-tree. PostgreSQL: with sorting priced out, no Sort node
    (PostgreSQL does not count `deleted_at IS NULL` as fixing the column, so the pinned columns lead the ORDER BY;
    eduflow.pagination.Keyset.pinned). A salesperson's list (their own few thousand leads) may sort."""
    if db.engine.dialect.name == "mysql":
        pytest.skip("MariaDB's EXPLAIN is neither format; the statement counts above run on it")
    grow(300)
    login_as(role)
    sqlite = db.engine.dialect.name == "sqlite"
    lists = ("/leads", "/leads?sort=newest", "/leads?sort=last_followup", "/leads?sort=name")
    for url in ("/leads/board", *(lists if role == "manager" else ())):
        for plan in [p.split(PLAN)[1] for p in _plans(client, url) if "AS seg" in p.split(PLAN)[0]]:
            assert ("TEMP B-TREE" not in plan) if sqlite else ("Sort" not in plan), (url, plan)


def test_on_sqlite_the_board_list_and_searches_read_their_indexes(app, client, login_as, grow, users):
    """SQLite only: EXPLAIN QUERY PLAN is SQLite's format (the PostgreSQL order is asserted above)."""
    if db.engine.dialect.name != "sqlite":
        pytest.skip("asserts SQLite's EXPLAIN QUERY PLAN; the same queries run on this database in the tests above")
    grow(300)
    login_as("manager")
    board = _plans(client, f"/leads/board?owner={users['sales'].id}")
    count = _plan_of(board, "count(leads.id)")
    assert "ix_leads_owner_id_deleted_at_stage_next_followup_at_id" in count
    columns = _plan_of(_plans(client, "/leads/board"), "UNION ALL")
    assert "ix_leads_campus_id_deleted_at_stage_next_followup_at_id" in columns and "TEMP B-TREE" not in columns
    listing = _plans(client, "/leads")
    page = _plan_of(listing, "AS seg")
    assert "ix_leads_campus_id_deleted_at_next_followup_at_id" in page and "TEMP B-TREE" not in page
    for q, index in (("wang", "ix_leads_campus_id_deleted_at_name_pinyin_id"),
                     ("zs", "ix_leads_campus_id_deleted_at_name_initials_id"),
                     ("0042", "ix_leads_campus_id_deleted_at_phone_last4"),
                     ("13900000042", "ix_leads_campus_id_deleted_at_phone_hash")):
        searched = _plans(client, f"/leads?q={q}")
        assert index in _plan_of(searched, "count(*)"), q
        assert index in _plan_of(searched, "AS seg"), q
    pool = _plan_of(_plans(client, "/leads/pool"), "count(*)")
    assert "COVERING INDEX ix_leads_campus_id_owner_id_deleted_at_created_at_stage_id" in pool
