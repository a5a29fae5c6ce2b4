"""Who may export (managers and admins), what the audit log keeps of each export, and what a file never holds:
numbers the exporter may not read, or a cell Excel would run as a formula."""
from __future__ import annotations

import datetime as dt
import io

import pytest
from openpyxl import load_workbook
from werkzeug.datastructures import MultiDict

from eduflow.exports.lists import lead_export, student_export
from eduflow.exports import xlsx
from eduflow.exports.writers import csv_text
from tests.exports.reading import column, export_audits, read_csv, read_xlsx

EXPORTS = [f"/exports/{entity}.{fmt}" for entity in ("leads", "students", "enrollments", "attendance", "ledger")
           for fmt in ("xlsx", "csv")] + ["/exports"]


@pytest.mark.parametrize("role", ["sales", "academic", "teacher"])
@pytest.mark.parametrize("url", EXPORTS)
def test_only_managers_and_admins_may_export(client, login_as, school, role, url):
    login_as(role)
    assert client.get(url).status_code == 403
    assert export_audits() == []


def test_an_anonymous_visitor_is_sent_to_sign_in(client):
    response = client.get("/exports/leads.csv")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


@pytest.mark.parametrize("fmt, read", [("csv", read_csv), ("xlsx", read_xlsx)])
def test_each_export_is_audit_logged_with_its_filters_row_count_and_format(client, login_as, school, users, fmt,
                                                                           read):
    login_as("manager")
    rows = read(client.get(f"/exports/students.{fmt}?status=active&sort=name&page=3"))
    assert len(rows) == 1 + 2
    started, completed = export_audits()
    assert (started.action, started.entity, started.actor_id) == ("export", "students", users["manager"].id)
    assert started.changes == {"filters": {"status": "active", "sort": "name"}, "rows": 2, "format": fmt,
                               "outcome": "started"}
    assert (completed.action, completed.entity, completed.actor_id) == ("export", "students", users["manager"].id)
    assert completed.changes == {"outcome": "completed", "rows": 2, "format": fmt, "started": started.id}


def test_an_empty_export_is_logged_too(client, login_as, school):
    login_as("admin")
    rows = read_csv(client.get("/exports/attendance.csv?date_from=2030-01-01"))
    assert len(rows) == 1
    started, completed = export_audits()
    assert started.entity == completed.entity == "attendance"
    assert started.changes == {"filters": {"date_from": "2030-01-01"}, "rows": 0, "format": "csv", "outcome": "started"}
    assert completed.changes["outcome"] == "completed" and completed.changes["rows"] == 0


def test_a_phone_number_searched_for_is_masked_in_the_audit_log(client, login_as, school):
    login_as("manager")
    rows = read_csv(client.get("/exports/students.csv?q=139 0000 0001"))
    assert column(rows, "姓名") == ["王小明"]
    started, _completed = export_audits()
    assert started.changes["filters"] == {"q": "139****0001"}


def test_a_refused_export_is_not_logged(client, login_as, school):
    login_as("manager")
    assert client.get(f"/exports/attendance.csv?class_id={school.classes[1].id}").status_code == 404
    assert export_audits() == []


def _table(export) -> list:
    return [export.headers(), *export.rows()]


def test_numbers_are_masked_for_an_exporter_who_may_not_read_them_in_full(app, school, users):
    """Managers and admins read their campus's numbers in full; the rule lives in may_see_full_phone, so the same
    export built for anyone else (here a teacher, whose scope holds their classes' students) masks them."""
    with app.test_request_context():
        full = _table(student_export(users["manager"], MultiDict()))
        masked = _table(student_export(users["teacher"], MultiDict()))
    assert sorted(column(full, "手机号码")) == ["13900000001", "13900000002"]
    assert sorted(column(masked, "手机号码")) == ["139****0001", "139****0002"]
    assert all("****" in phone for phone in column(masked, "联系人电话"))  # the parents' numbers too


def test_the_lead_owner_and_admins_read_the_number_in_full(app, users, make_lead):
    make_lead("张三", phone="13811112222")
    with app.test_request_context():
        assert column(_table(lead_export(users["sales"], MultiDict())), "联系电话") == ["13811112222"]
        assert column(_table(lead_export(users["admin"], MultiDict())), "联系电话") == ["13811112222"]


def test_a_cell_never_becomes_a_formula(client, login_as, make_lead):
    make_lead("=HYPERLINK(\"http://evil\",\"x\")", notes="@SUM(1+1)", contact_name="-2+3", wechat_id="+1")
    login_as("manager")
    rows = read_csv(client.get("/exports/leads.csv"))
    assert column(rows, "姓名") == ["'=HYPERLINK(\"http://evil\",\"x\")"]
    assert column(rows, "备注") == ["'@SUM(1+1)"]
    assert column(rows, "联系人") == ["'-2+3"]
    assert column(rows, "微信号") == ["'+1"]
    response = client.get("/exports/leads.xlsx")
    sheet = load_workbook(io.BytesIO(response.get_data())).active
    response.close()
    name = sheet["A2"]
    assert name.value == "=HYPERLINK(\"http://evil\",\"x\")"  # kept as typed, but text: Excel shows, never runs it
    assert name.data_type == "s" and name.quotePrefix


def test_numbers_stay_numbers_and_only_text_is_guarded():
    assert csv_text(-1) == "-1"
    assert csv_text("-1") == "'-1"
    assert csv_text("\tcmd") == "'\tcmd"
    assert csv_text("张三") == "张三"
    assert csv_text(None) == ""


def test_downloads_are_named_in_chinese_with_an_ascii_fallback_and_not_cached(client, login_as, school):
    login_as("manager")
    response = client.get("/exports/ledger.csv")
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith('attachment; filename="ledger_')
    assert "filename*=UTF-8''%E8%AF%BE%E6%97%B6%E6%B5%81%E6%B0%B4_" in disposition  # 课时流水_
    assert response.headers["Cache-Control"] == "no-store"
    assert response.mimetype == "text/csv" and response.mimetype_params.get("charset") == "utf-8"
    read_csv(response)
    response = client.get("/exports/ledger.xlsx")
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response.headers["Content-Disposition"].endswith(".xlsx")
    read_xlsx(response)


def test_a_big_workbook_is_sent_while_it_is_written(monkeypatch):
    """No worker holds a whole .xlsx: the zip leaves in chunks, the first before most rows are even read."""
    monkeypatch.setattr(xlsx, "FLUSH_ROWS", 100)
    read = []

    def rows():
        for n in range(1000):
            read.append(n)
            yield [f"学员{n}", n, dt.date(2025, 3, 3)]

    chunks = xlsx.xlsx_chunks("考勤", ["学员", "序号", "日期"], [10, 6, 12], rows())
    first = next(chunks)
    assert first and len(read) <= 101
    body = first + b"".join(chunks)
    assert len(read) == 1000
    workbook = load_workbook(io.BytesIO(body), read_only=True)
    rows_back = list(workbook.active.iter_rows(values_only=True))
    workbook.close()
    assert rows_back[0] == ("学员", "序号", "日期") and len(rows_back) == 1001
    assert rows_back[-1] == ("学员999", 999, dt.datetime(2025, 3, 3))
