"""The report pages over HTTP: who may open which, the chart beside its table, htmx fragments, bad filters, scope."""
from __future__ import annotations

import datetime as dt
import html
import json
import re

import pytest

from eduflow.extensions import db
from eduflow.i18n import school_today
from eduflow.models import LeadStage, LedgerKind
from tests.reports.conftest import local

MARCH = {"start": "2024-03-01", "end": "2024-03-31"}


@pytest.fixture
def leads(make_lead, source):
    online = source("线上广告")
    make_lead("我的线索", "sales", source_id=online.id, consult="2024-03-05", stage=LeadStage.CONVERTED,
              history=[LeadStage.CONTACTED, LeadStage.CONVERTED])
    make_lead("同事线索", "sales2", consult="2024-03-06")
    make_lead("他校线索", "sales_b", campus=1, consult="2024-03-07")
    db.session.commit()


def _chart(body: str) -> dict:
    return json.loads(html.unescape(re.search(r"data-report-chart='([^']*)'", body).group(1)))


def _links(body: str) -> list[str]:
    return re.findall(r'data-testid="report-link-([a-z]+)"', body)


def test_the_list_offers_each_role_its_reports(client, login_as):
    login_as("manager")
    assert _links(client.get("/reports").get_data(as_text=True)) == [
        "funnel", "sixspeed", "activity", "referrals", "money", "attendance", "renewals", "balances"]
    login_as.logout()
    login_as("sales")
    assert _links(client.get("/reports").get_data(as_text=True)) == [
        "funnel", "sixspeed", "activity", "referrals", "renewals", "balances"]


@pytest.mark.parametrize("who", ["academic", "teacher"])
def test_academic_staff_and_teachers_have_no_reports(client, login_as, who):
    login_as(who)
    assert client.get("/reports").status_code == 403
    assert client.get("/reports/funnel").status_code == 403


def test_a_salesperson_cannot_open_the_money_or_attendance_report(client, login_as):
    login_as("sales")
    assert client.get("/reports/money").status_code == 403
    assert client.get("/reports/attendance").status_code == 403


def test_an_unknown_report_is_not_found(client, login_as):
    login_as("admin")
    assert client.get("/reports/nothing").status_code == 404


def test_the_funnel_page_draws_a_chart_beside_its_table(client, login_as, leads):
    login_as("manager")
    response = client.get("/reports/funnel", query_string=MARCH)
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "vendor/chartjs/chart.umd.min.js" in body and "js/reports.js" in body
    assert "<script>" not in body and "<script type" not in body  # the CSP allows no inline script
    assert _chart(body)["labels"] == ["咨询", "首次沟通", "意向", "试听", "报名"]
    assert 'data-testid="funnel-overall"' in body and 'data-testid="report-definition"' in body
    assert "Sales2" in body and "Sales_B" not in body  # the other campus's salesperson is not in the report


def test_the_chart_carries_the_figures_of_the_table(client, login_as, leads):
    login_as("manager")
    body = client.get("/reports/funnel", query_string=MARCH).get_data(as_text=True)
    assert _chart(body)["series"][0]["data"] == [2, 1, 1, 0, 1]
    row = re.search(r'data-testid="funnel-step-enrolled">(.*?)</tr>', body, re.S).group(1)
    assert re.findall(r'<td class="ef-num">([^<]*)</td>', row) == ["1", "50.0%"]


def test_a_salesperson_sees_their_own_figures_only(client, login_as, leads):
    login_as("sales")
    body = client.get("/reports/funnel", query_string=MARCH).get_data(as_text=True)
    assert "Sales2" not in body and 'name="campus"' not in body
    assert _chart(body)["series"][0]["data"] == [1, 1, 1, 0, 1]


def test_a_manager_cannot_look_at_another_campus(client, login_as, leads, campuses):
    login_as("manager")
    body = client.get("/reports/funnel", query_string={**MARCH, "campus": campuses[1].id}).get_data(as_text=True)
    assert "Sales_B" not in body and "Sales2" in body


def test_an_admin_picks_one_campus_or_all(client, login_as, leads, campuses):
    login_as("admin")
    everyone = client.get("/reports/funnel", query_string=MARCH).get_data(as_text=True)
    assert "Sales_B" in everyone and "Sales2" in everyone and 'name="campus"' in everyone
    second = client.get("/reports/funnel", query_string={**MARCH, "campus": campuses[1].id}).get_data(as_text=True)
    assert "Sales_B" in second and "Sales2" not in second


def test_htmx_gets_the_report_region_only(client, login_as, leads):
    login_as("manager")
    response = client.get("/reports/funnel", query_string=MARCH, headers={"HX-Request": "true"})
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in body and 'id="report"' in body
    assert "HX-Request" in response.headers.get("Vary", "")


@pytest.mark.parametrize("query, message", [
    ({"start": "2024-02-30", "end": "2024-03-31"}, "日期格式不正确"),
    ({"start": "", "end": "2024-03-31"}, "请选择开始日期"),
    ({"start": "2024-03-31", "end": "2024-03-01"}, "结束日期不能早于开始日期"),
    ({"start": "2020-01-01", "end": "2024-03-01"}, "日期范围最长三年"),
    ({"start": "0001-01-01", "end": "0001-01-02"}, "日期须在 2000 年至 2999 年之间"),
    ({"start": "2024-03-01", "end": "9999-12-31"}, "日期须在 2000 年至 2999 年之间"),
])
def test_bad_dates_answer_the_form_with_its_error(client, login_as, query, message):
    login_as("manager")
    response = client.get("/reports/funnel", query_string=query)
    body = response.get_data(as_text=True)
    assert response.status_code == 422 and message in body
    assert 'data-testid="report-chart"' not in body


@pytest.mark.parametrize("campus", ["999999", "abc"])
def test_an_unknown_campus_is_a_form_error_for_admins(client, login_as, campus):
    login_as("admin")
    response = client.get("/reports/money", query_string={**MARCH, "campus": campus})
    assert response.status_code == 422 and 'data-testid="filter-error"' in response.get_data(as_text=True)


def test_without_dates_the_report_covers_the_current_month(client, login_as):
    login_as("manager")
    body = client.get("/reports/sixspeed").get_data(as_text=True)
    today = school_today()
    assert f'value="{today.replace(day=1).isoformat()}"' in body
    last = (today.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
    assert f'value="{last.isoformat()}"' in body
    assert 'data-testid="report-empty"' in body


@pytest.mark.parametrize("name", ["sixspeed", "activity", "referrals", "money", "attendance", "renewals", "balances"])
def test_every_report_renders_for_a_manager(client, login_as, name):
    login_as("manager")
    response = client.get(f"/reports/{name}", query_string=MARCH)
    assert response.status_code == 200 and 'data-testid="report-definition"' in response.get_data(as_text=True)


def test_lessons_owed_are_shown_in_red(client, login_as, make_student, make_enrollment, ledger):
    enrollment = make_enrollment(make_student("欠课时的学员"))
    ledger(enrollment, LedgerKind.PURCHASE, 1)
    ledger(enrollment, LedgerKind.ATTENDANCE, -3, at=local(2024, 3, 2, 9))
    db.session.commit()
    login_as("sales")
    body = client.get("/reports/balances").get_data(as_text=True)
    assert "欠课时的学员" in body
    assert re.search(r'class="ef-num text-debt fw-semibold" data-testid="balance-remaining">-2<', body)
    assert 'data-testid="filter-start"' not in body  # today's balances: no dates to choose


def test_reports_speak_english_too(client, login_as, users, leads):
    users["manager"].locale = "en"
    db.session.commit()
    login_as("manager")
    body = client.get("/reports/funnel", query_string=MARCH).get_data(as_text=True)
    assert 'lang="en"' in body
