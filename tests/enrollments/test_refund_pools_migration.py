"""Migration 0004 splits ledgers written before pools existed: the gift lessons spent are the ones a replay with
bought lessons drawn first spends, whatever was credited afterwards."""
from __future__ import annotations

import pytest

from tests.migration_modules import load_migration


@pytest.fixture(scope="module")
def migration():
    return load_migration("0004_refund_pools_and_submission_tokens.py")


def _marks(n, first=1):
    return [("attendance", -1, first + i) for i in range(n)]


@pytest.mark.parametrize("rows, spent", [
    ([("purchase", 20, None), ("gift", 2, None)] + _marks(2), 0),  # the case: 18 bought + 2 gift left
    ([("purchase", 20, None), ("gift", 2, None)] + _marks(22), 2),
    ([("purchase", 20, None), ("gift", 2, None)] + _marks(2) + [("refund", -20, None)], 2),
    # 欠课时, then a renewal on the same contract: the gift lessons were spent before the renewal came
    ([("purchase", 10, None), ("gift", 2, None)] + _marks(13) + [("purchase", 10, None)], 2),
    # a corrected mark gives its lesson back to the pool it came from
    ([("purchase", 1, None), ("gift", 1, None)] + _marks(2) + [("correction", 1, 2)], 0),
    ([("purchase", 1, None), ("gift", 1, None)] + _marks(2) + [("correction", 1, 1)], 1),
])
def test_the_gift_lessons_spent_are_those_a_bought_first_replay_spends(migration, rows, spent):
    assert migration._gift_spent(rows) == spent
