"""Ids in the parent side's query strings (?student=, ?child=) beyond the id columns' range, or not plain digits,
are a 404 on every database (PostgreSQL refused 2^31 with a 500; the fuzz found it)."""
from __future__ import annotations

import pytest



BAD = ("2147483648", "99999999999", "²", "0", "-1", "1e3")


@pytest.mark.parametrize("bad", BAD)
def test_a_bad_child_id_in_a_query_is_not_found(client, family, parent_login, bad):
    parent_login()
    assert client.get(f"/p/timetable?child={bad}").status_code == 404
    assert client.get(f"/p/lessons/1/leave?student={bad}").status_code == 404
    assert client.get(f"/p/lessons/1/review?student={bad}").status_code == 404
