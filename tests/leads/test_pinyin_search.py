"""Pinyin search (issue 11, item 12): a polyphonic surname is found by its surname reading as well as its common
reading, and a person by the pinyin of the given name alone; the keys come from pypinyin's readings, are stored
in lead_name_keys, and migration 0016 writes them for the leads already there."""
from __future__ import annotations

import pytest
from sqlalchemy import select, text

from eduflow.extensions import db
from eduflow.leads.queries import LeadFilters, filtered_leads
from eduflow.models import LeadNameKey
from eduflow.search import name_keys, pinyin_keys
from tests.migration_modules import load_migration

# name: (surname reading, common reading), both as whole pinyin
POLYPHONIC = {
    "曾奕辰": ("zengyichen", "cengyichen"), "单雄信": ("shanxiongxin", "danxiongxin"),
    "解晓东": ("xiexiaodong", "jiexiaodong"), "仇明": ("qiuming", "chouming"), "区伟": ("ouwei", "quwei"),
    "朴树": ("piaoshu", "pushu"), "查良镛": ("zhaliangyong", "chaliangyong"), "盖聂": ("genie", "gainie"),
}


def _found(user, q: str) -> set[str]:
    return {lead.name for lead in db.session.scalars(filtered_leads(user, LeadFilters(q=q)))}


@pytest.mark.parametrize("name", POLYPHONIC)
def test_a_polyphonic_surname_has_its_surname_and_its_common_reading(name):
    surname_reading, common = POLYPHONIC[name]
    keys = pinyin_keys(name)
    assert {surname_reading, common} <= keys


def test_the_initials_of_both_readings_and_the_given_name_are_keys():
    assert {"zyc", "cyc", "yichen"} <= pinyin_keys("曾奕辰")
    assert "nana" in pinyin_keys("欧阳娜娜") and "ouyangnana" in pinyin_keys("欧阳娜娜")
    assert pinyin_keys("Tom Li") == set() and pinyin_keys("") == set()


def test_the_lead_search_finds_polyphonic_surnames_both_ways(make_lead, users):
    for name in (*POLYPHONIC, "王小明", "曹一辰"):
        make_lead(name=name, owner="manager")
    manager = users["manager"]
    assert _found(manager, "zengyichen") == {"曾奕辰"}
    assert _found(manager, "cengyichen") == {"曾奕辰"}
    assert _found(manager, "zyc") == {"曾奕辰"}
    assert _found(manager, "cyc") == {"曾奕辰", "曹一辰"}
    assert _found(manager, "ZENG") == {"曾奕辰"}
    for name, (surname_reading, common) in POLYPHONIC.items():
        assert name in _found(manager, surname_reading), surname_reading
        assert name in _found(manager, common), common
    assert _found(manager, "piao") == {"朴树"} and _found(manager, "zhal") == {"查良镛"}


def test_the_given_name_alone_finds_the_person(make_lead, users):
    for name in ("曾奕辰", "欧阳娜娜", "王小明", "李明"):
        make_lead(name=name, owner="manager")
    manager = users["manager"]
    assert _found(manager, "yichen") == {"曾奕辰"}
    assert _found(manager, "nana") == {"欧阳娜娜"}
    assert _found(manager, "xiaoming") == {"王小明"}
    assert _found(manager, "ming") == {"李明"}, "a given name's pinyin, not any syllable of the name"
    assert _found(manager, "zhang") == set()


def test_search_stays_in_scope(make_lead, users):
    make_lead(name="曾奕辰", owner="sales2")
    assert _found(users["sales"], "zengyichen") == set() and _found(users["sales2"], "yichen") == {"曾奕辰"}


def test_a_pinyin_search_reads_the_keys_index(make_lead, users):
    """SQLite's plan: ranges of the keys' primary key, never a scan of the names."""
    if db.engine.dialect.name != "sqlite":
        pytest.skip("asserts SQLite's EXPLAIN QUERY PLAN")
    make_lead(name="曾奕辰", owner="manager")
    query = filtered_leads(users["manager"], LeadFilters(q="zengyichen"))
    compiled = query.compile(db.engine, compile_kwargs={"literal_binds": True})
    plan = "\n".join(row[-1] for row in db.session.execute(text("EXPLAIN QUERY PLAN " + str(compiled))))
    assert "lead_name_keys USING COVERING INDEX" in plan and "key>" in plan, plan
    assert "LIKE" not in str(compiled).upper()


def test_migration_0016_rebuilds_the_keys_of_existing_leads_and_back(make_lead):
    leads = [make_lead(name=name) for name in ("曾奕辰", "李四")]
    migration = load_migration("0016_six_speed_version_and_pinyin_keys.py")
    connection = db.session.connection()
    migration.rebuild_keys(connection, migration.endings)  # as revision 0015 left them
    assert _all_keys(leads) == {"曾奕辰", "奕辰", "辰", "李四", "四"}
    migration.rebuild_keys(connection, name_keys)
    assert _all_keys(leads) == name_keys("曾奕辰") | name_keys("李四")
    assert {"zengyichen", "zyc", "yichen", "lisi"} <= _all_keys(leads)


def _all_keys(leads) -> set[str]:
    return set(db.session.scalars(select(LeadNameKey.key).where(LeadNameKey.lead_id.in_([lead.id for lead in leads]))))
