"""No main screen sends more SQL statements on ten times the data than on the small campus.

The benchmark's own list of screens (eduflow/benchmark_screens.py) is requested once each, as the user who
opens it, on a bench-data campus at two sizes; a count that grows with the data is an N+1 or a
per-row write, the kind of cost that makes a chain-sized campus slow. Timing is the benchmark
command's job, not this test's.
"""
from __future__ import annotations

import pytest

from eduflow.benchdata import build
from eduflow.benchmark_screens import screens, signed_in
from eduflow.extensions import db
from tests.conftest import _empty_all_tables
from tests.statements import counted

pytestmark = pytest.mark.slow

SMALL, LARGE = 0.005, 0.05  # 500 and 5,000 leads: every list, column and 30-day report has rows


def _statements(app, scale: float) -> dict[str, int]:
    facts = build(1, scale=scale)
    db.session.commit()
    clients, found = {}, {}
    for screen in screens(app, facts):
        if screen.name.startswith("export"):
            continue  # an export reads its rows in batches: tests/exports/test_cost.py holds it to 3 statements a batch
        client = clients.get(screen.user) or clients.setdefault(screen.user, signed_in(app, facts, screen.user))
        call = screen.call(0)
        with counted() as statements:
            response = client.open(call.url, method=call.method, data=call.data, headers=call.headers)
            response.get_data()
        assert response.status_code == 200, (screen.name, call.url, response.status_code)
        found[screen.name] = len(statements)
    return found


def test_each_screen_sends_the_same_statements_on_ten_times_the_data(app):
    small = _statements(app, SMALL)
    db.session.remove()
    _empty_all_tables()
    large = _statements(app, LARGE)
    # Equal in practice; a record picked with less history (a card move's lead without a six-speed sheet) may
    # send fewer, so the rule is "never more on the larger campus".
    grown = {name: (small[name], large[name]) for name in small if large[name] > small[name]}
    assert not grown, f"statements (small, 10x) that grew with the data: {grown}"
    assert {"board (manager)", "one tap", "全部出勤 (40 students)", "student page", "report funnel (year)",
            "dashboard (teacher)", "attendance sheet", "lead page (2,000 follow-ups)"} <= set(small)
