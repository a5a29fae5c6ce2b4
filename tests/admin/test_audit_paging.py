"""审计日志 at any size: pages follow each other by the entry they stopped at (keyset), newest first, and a page
costs the same statements on a log ten times larger."""
from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import insert

from eduflow.admin import views_audit
from eduflow.extensions import db
from eduflow.models import AuditLog
from tests.statements import counted

START = dt.datetime(2025, 5, 1, 4, 0)


def _log(count: int, offset: int = 0, **fields) -> None:
    """`count` entries one minute apart, some sharing a timestamp (one flush writes several)."""
    db.session.execute(insert(AuditLog.__table__), [
        {"action": "update", "entity": "leads", "entity_id": str(n), "ip": "10.0.0.1",
         "created_at": START + dt.timedelta(minutes=(n + offset) // 2), **fields} for n in range(count)])
    db.session.commit()


def _shown(html: str) -> list[int]:
    return [int(n) for n in re.findall(r'data-testid="audit-row-(\d+)"', html)]


def _link(html: str, name: str) -> str | None:
    found = re.search(rf'data-testid="audit-{name}" href="([^"#]+)"', html)
    return found.group(1).replace("&amp;", "&") if found else None


def test_next_and_previous_walk_the_whole_log_newest_first(client, as_admin, app):
    _log(3 * app.config["PAGE_SIZE"] + 4)
    newest_first = [entry.id for entry in db.session.scalars(
        views_audit.filtered_entries(views_audit.AuditFilters(entity="leads")))]
    html = client.get("/admin/audit?entity=leads").get_data(as_text=True)
    pages = [_shown(html)]
    while (url := _link(html, "next")) is not None:
        assert "after=" in url and "entity=leads" in url
        html = client.get(url).get_data(as_text=True)
        pages.append(_shown(html))
    assert [len(p) for p in pages] == [25, 25, 25, 4]
    assert sum(pages, []) == newest_first
    for expected in reversed(pages[:-1]):  # and back again
        html = client.get(_link(html, "prev")).get_data(as_text=True)
        assert _shown(html) == expected
    assert _link(html, "prev") is None


def test_a_page_costs_the_same_statements_on_ten_times_the_log(client, as_admin, app):
    def cost(url: str) -> int:
        with counted() as statements:
            assert client.get(url).status_code == 200
        return len(statements)

    _log(60)
    urls = ["/admin/audit", "/admin/audit?action=update", "/admin/audit?entity=leads&page=2"]
    small = [cost(url) for url in urls]
    html = client.get("/admin/audit").get_data(as_text=True)
    small.append(cost(_link(html, "next")))
    _log(540, offset=60)
    large = [cost(url) for url in urls]
    html = client.get("/admin/audit").get_data(as_text=True)
    large.append(cost(_link(html, "next")))
    assert large == small


def test_the_total_is_counted_up_to_a_cap(client, as_admin, monkeypatch):
    monkeypatch.setattr(views_audit, "COUNT_CAP", 30)
    _log(40)
    html = client.get("/admin/audit?entity=leads").get_data(as_text=True)
    assert "超过 30 条记录" in html
    assert "共 40 条记录" not in html
    assert "共 1 条记录" in client.get("/admin/audit?entity=leads&entity_id=7").get_data(as_text=True)


@pytest.mark.parametrize("cursor", ["x", "2025-13-01T00:00:00~1", "~", "2025-05-01T04:00:00~abc"])
def test_a_mangled_cursor_shows_the_first_page(client, as_admin, cursor):
    _log(30)
    first = _shown(client.get("/admin/audit").get_data(as_text=True))
    response = client.get("/admin/audit", query_string={"after": cursor})
    assert response.status_code == 200 and _shown(response.get_data(as_text=True)) == first
