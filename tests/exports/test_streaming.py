"""Exports over real HTTP (a live server, the body streamed after the request's session is gone), read to the
end, and the audit trail saying whether each file arrived in full."""
from __future__ import annotations

import csv
import http.cookiejar
import http.client
import io
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest
from openpyxl import load_workbook

from eduflow.exports import lists, sheets, writers
from tests.conftest import PASSWORD
from tests.exports.reading import export_audits

ENTITIES = ("leads", "students", "enrollments", "attendance", "ledger")


def _signed_in(live_server: str, username: str):
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    opener.open(live_server + "/login", urllib.parse.urlencode({"username": username, "password": PASSWORD}).encode())
    return opener


def _entries(n: int = 2) -> list:
    """The export entries, once the server has written `n` (the outcome follows the last byte it sent)."""
    for _ in range(100):
        entries = export_audits()
        if len(entries) >= n:
            return entries
        time.sleep(0.05)
    return export_audits()


def _rows(body: bytes, fmt: str) -> list:
    if fmt == "csv":
        return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    workbook = load_workbook(io.BytesIO(body), read_only=True)
    rows = [list(row) for row in workbook.active.iter_rows(values_only=True)]
    workbook.close()
    return rows


@pytest.mark.parametrize("who", ["manager", "admin"])
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("entity", ENTITIES)
def test_every_export_streams_in_full_and_is_logged_as_completed(live_server, school, make_lead, users, entity, fmt,
                                                                  who):
    make_lead("张三", phone="13811112222")
    make_lead("李四", owner=None, phone="13811113333")
    with _signed_in(live_server, who).open(f"{live_server}/exports/{entity}.{fmt}") as response:
        status, body = response.status, response.read()
    assert status == 200
    rows = _rows(body, fmt)
    started, completed = _entries()
    assert len(rows) - 1 == started.changes["rows"] > 0
    assert started.changes["outcome"] == "started" and started.actor_id == users[who].id
    assert completed.changes == {"outcome": "completed", "rows": len(rows) - 1, "format": fmt, "started": started.id}
    assert (completed.actor_id, completed.ip, completed.entity) == (users[who].id, "127.0.0.1", started.entity)


def test_the_lead_export_shows_numbers_as_the_exporter_may_see_them(live_server, make_lead, campuses):
    make_lead("张三", phone="13811112222")
    make_lead("外校", campus=1, owner="sales_b", phone="13811114444")
    with _signed_in(live_server, "admin").open(f"{live_server}/exports/leads.csv?sort=name") as response:
        rows = _rows(response.read(), "csv")
    phones = {row[0]: row[rows[0].index("联系电话")] for row in rows[1:]}
    assert phones == {"张三": "13811112222", "外校": "13811114444"}


def test_a_file_that_fails_while_streaming_is_logged_as_failed(live_server, school, monkeypatch):
    monkeypatch.setattr(sheets, "BATCH", 1)
    monkeypatch.setattr(writers, "CSV_BATCH", 1)
    written = []

    def failing(record, number, viewer):
        written.append(number)
        if len(written) == 3:  # two numbers a student (theirs, their parent's): the second student fails
            raise RuntimeError("the database went away")
        return number

    monkeypatch.setattr(lists, "phone_for", failing)
    # A server streaming the body has sent the headers and cuts the download short; the test server buffers
    # each response whole (tests/browser_support.py), so there the failure arrives as a 500.
    with pytest.raises((http.client.IncompleteRead, ConnectionError, urllib.error.HTTPError)):
        with _signed_in(live_server, "admin").open(f"{live_server}/exports/students.csv") as response:
            response.read()
    started, failed = _entries()
    assert started.changes["outcome"] == "started"
    assert failed.changes["outcome"] == "failed" and failed.changes["started"] == started.id


def test_a_workbook_that_cannot_be_built_is_logged_as_failed(client, login_as, school, monkeypatch):
    def failing(*args):
        raise RuntimeError("disk full")

    monkeypatch.setattr("eduflow.exports.xlsx.cell", failing)
    login_as("manager")
    with pytest.raises(RuntimeError):  # raised while streaming the first rows: the server answers a 500
        client.get("/exports/students.xlsx").get_data()
    started, failed = export_audits()
    assert (started.changes["outcome"], failed.changes["outcome"]) == ("started", "failed")


def test_a_download_the_client_abandons_is_logged_as_failed(client, login_as, school, monkeypatch):
    monkeypatch.setattr(sheets, "BATCH", 1)
    monkeypatch.setattr(writers, "CSV_BATCH", 1)
    login_as("manager")
    response = client.get("/exports/students.csv")
    next(response.response)  # the first chunk arrives, then the browser tab is closed
    response.close()
    started, failed = export_audits()
    assert failed.changes == {"outcome": "failed", "rows": failed.changes["rows"], "format": "csv",
                              "started": started.id}
    assert failed.changes["rows"] < started.changes["rows"]
