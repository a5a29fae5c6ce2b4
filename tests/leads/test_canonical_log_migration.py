"""Migration 0015 turns the six-speed log's 是/否 and an overdue return's "N 天未跟进" into codes."""
from __future__ import annotations

import datetime as dt

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import text

from eduflow.extensions import db
from eduflow.leads.sixspeed import sheet_for
from tests.migration_modules import load_migration


@pytest.fixture(scope="module")
def migration():
    return load_migration("0015_canonical_log_values.py")


@pytest.mark.parametrize("reason, days", [("30 天未跟进", 30), ("7天未跟进", 7), ("超过 30 天未跟进，自动退回公海", None),
                                          ("号码空号", None), ("", None), (None, None)])
def test_only_the_jobs_own_reason_becomes_days(migration, reason, days):
    assert migration._idle_days(reason) == days


def test_rows_written_before_are_converted_and_back(app, make_lead, users):
    lead = make_lead()
    sheet = sheet_for(lead, users["sales"])
    db.session.commit()
    ids = {"s": sheet.id, "lead": lead.id, "at": dt.datetime(2026, 11, 1)}
    db.session.remove()  # reading the ids began a transaction: the downgrade's ALTER TABLE would wait for it for ever
    downgrade(revision="0014")
    try:
        with db.engine.begin() as conn:
            conn.execute(text("INSERT INTO six_speed_changes (six_speed_id, field, old_value, new_value, changed_at) "
                              "VALUES (:s, 'wechat_added', '否', '是', :at), (:s, 'purchase_power', '否', '是', :at)"),
                         ids)
            conn.execute(text("INSERT INTO lead_pool_events (lead_id, action, reason, happened_at) VALUES "
                              "(:lead, 'return', '30 天未跟进', :at), (:lead, 'release', '30 天未跟进', :at)"), ids)
    finally:
        upgrade()
        _forget_statistics()
    with db.engine.connect() as conn:
        logged = conn.execute(text("SELECT field, old_value, new_value FROM six_speed_changes ORDER BY id")).all()
        events = conn.execute(text("SELECT action, reason, idle_days FROM lead_pool_events ORDER BY id")).all()
    assert [tuple(row) for row in logged] == [("wechat_added", "false", "true"), ("purchase_power", "否", "是")]
    assert [tuple(row) for row in events] == [("return", "", 30), ("release", "30 天未跟进", None)]


def _forget_statistics():
    """An upgrade to the newest revision ends with ANALYZE on SQLite (eduflow.extensions): the suite's plan tests
    expect the statistics-free database every other test shares, so take them away again."""
    if db.engine.dialect.name == "sqlite":
        with db.engine.begin() as conn:
            conn.execute(text("DROP TABLE IF EXISTS sqlite_stat1"))
        db.engine.dispose()  # connections that read the statistics forget them
