"""Searching part of a name: any piece of a Chinese name (王, 小明, 明) or of a name written in Latin letters finds the
lead, from the name keys (eduflow.models.LeadNameKey) kept with every insert, rename and campus move."""
from __future__ import annotations

import random

import pytest
from sqlalchemy import select

from eduflow.extensions import db
from eduflow.leads.queries import LeadFilters, filtered_leads
from eduflow.models import LeadNameKey
from eduflow.search import name_keys, pinyin_keys
from tests.migration_modules import load_migration

CHARS = "王李张刘陈小明子涵欧阳娜思远浩然一"


def _found(user, q: str) -> set[str]:
    return {lead.name for lead in db.session.scalars(filtered_leads(user, LeadFilters(q=q)))}


def _keys(lead_id: int) -> set[tuple[int, str]]:
    return set(db.session.execute(select(LeadNameKey.campus_id, LeadNameKey.key)
                                  .where(LeadNameKey.lead_id == lead_id)).all())


def test_any_part_of_a_name_finds_the_lead_and_nothing_else(make_lead, users):
    for name in ("王小明", "李明", "欧阳娜娜", "张三"):
        make_lead(name=name, owner="manager")
    manager = users["manager"]
    assert _found(manager, "王") == {"王小明"}
    assert _found(manager, "小明") == {"王小明"}
    assert _found(manager, "明") == {"王小明", "李明"}
    assert _found(manager, "阳娜") == {"欧阳娜娜"}
    assert _found(manager, "王小明") == {"王小明"}
    assert _found(manager, "王明") == set()
    assert _found(manager, "%") == set() and _found(manager, "_") == set()


def test_a_name_in_latin_letters_is_found_by_its_letters_in_any_case(make_lead, users):
    make_lead(name="Tom Li", owner="manager")
    make_lead(name="汤姆", owner="manager")
    assert _found(users["manager"], "tom") == {"Tom Li"}
    assert _found(users["manager"], "LI") == {"Tom Li"}
    assert _found(users["manager"], "tangmu") == {"汤姆"}  # pinyin as before


def test_search_by_part_of_a_name_equals_contains_on_random_names(make_lead, users):
    rng = random.Random(9)
    names = ["".join(rng.choice(CHARS) for _ in range(rng.randint(2, 4))) for _ in range(60)]
    for name in names:
        make_lead(name=name, owner="manager")
    for q in {name[a:b] for name in names[:20] for a in range(len(name)) for b in range(a + 1, len(name) + 1)}:
        assert _found(users["manager"], q) == {name for name in names if q in name}, q


def test_a_rename_and_a_campus_move_rewrite_the_keys_and_scope_still_holds(make_lead, users, campuses):
    lead = make_lead(name="王小明")
    assert _keys(lead.id) == {(campuses[0].id, key) for key in ("王小明", "小明", "明", "wangxiaoming", "wxm",
                                                                  "yuxiaoming", "yxm", "xiaoming")}
    lead.name = "李四"
    db.session.commit()
    assert _keys(lead.id) == {(campuses[0].id, key) for key in ("李四", "四", "lisi", "ls", "si")}
    assert _found(users["sales"], "小明") == set() and _found(users["sales"], "四") == {"李四"}
    assert _found(users["sales"], "xiaoming") == set() and _found(users["sales"], "lisi") == {"李四"}
    lead.campus_id = campuses[1].id
    db.session.commit()
    assert _keys(lead.id) == {(campuses[1].id, key) for key in ("李四", "四", "lisi", "ls", "si")}
    assert _found(users["manager"], "李四") == set()  # the manager of the first campus no longer sees it
    db.session.delete(lead)
    db.session.commit()
    assert _keys(lead.id) == set() or db.engine.dialect.name == "sqlite"  # SQLite: FK cascade only when enabled


def test_keys_are_every_ending_of_the_folded_name_and_its_pinyin():
    assert name_keys("王 小明") == {"王 小明", "小明", "明"} | pinyin_keys("王小明")
    assert name_keys("Tom") == {"tom", "om", "m"}
    assert name_keys("") == set() and name_keys("  ") == set()


def test_the_migration_fills_the_keys_of_existing_leads(make_lead, monkeypatch):
    leads = [make_lead(name=name) for name in ("王小明", "李四")]
    db.session.execute(LeadNameKey.__table__.delete())
    migration = load_migration("0012_lead_name_keys.py")
    monkeypatch.setattr(migration.op, "get_bind", lambda: db.session.connection(), raising=False)
    migration._fill(LeadNameKey.__table__)
    assert {key for lead in leads for _c, key in _keys(lead.id)} == name_keys("王小明") | name_keys("李四")


@pytest.mark.parametrize("q", ["王", "小明"])
def test_a_search_reads_the_keys_index(app, make_lead, users, q):
    """SQLite's plan: the keys' primary key as a range, never a scan of the names."""
    if db.engine.dialect.name != "sqlite":
        pytest.skip("asserts SQLite's EXPLAIN QUERY PLAN; PostgreSQL's plan is in docs/performance.md")
    make_lead(name="王小明", owner="manager")
    query = filtered_leads(users["manager"], LeadFilters(q=q))
    compiled = query.compile(db.engine, compile_kwargs={"literal_binds": True})
    plan = "\n".join(row[-1] for row in db.session.execute(
        __import__("sqlalchemy").text("EXPLAIN QUERY PLAN " + str(compiled))))
    assert "lead_name_keys USING COVERING INDEX" in plan and "key>" in plan, plan
