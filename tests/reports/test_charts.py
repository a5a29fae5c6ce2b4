"""Every report chart names its axes with their units, in both languages; a report by month opens on six months."""
from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from types import SimpleNamespace as Row

import pytest
from flask_babel import force_locale

from eduflow.i18n import school_today
from eduflow.models import FollowUpMethod
from eduflow.reports import charts
from eduflow.reports.catalogue import REPORTS
from eduflow.reports.forms import month_end, months_back
from eduflow.reports.scope import Month
from eduflow.reports.services import FunnelRow
from tests.reports.test_views import _chart


def _person(**figures):
    return Row(label="Sales", **figures)


SAMPLES = {  # chart builder → a report with one row of each figure it draws
    "funnel": (charts.funnel_chart, Row(overall=FunnelRow("全部", 4, 3, 2, 1, 1))),
    "sixspeed": (charts.six_speed_chart, Row(rows=[_person(sheets=3, visited=2, closed=1, enrolled=1)])),
    "activity": (charts.activity_chart, Row(rows=[_person(by_method={m: 1 for m in FollowUpMethod})])),
    "referrals": (charts.referrals_chart, Row(students=[_person(referred=2, converted=1)])),
    "money": (charts.money_chart, [Row(month=Month(dt.date(2024, 3, 1), dt.date(2024, 3, 31)), consumed=5,
                                       received=Decimal("100"), refunded=Decimal("0"), revenue=Decimal("100"))]),
    "attendance": (charts.attendance_chart, Row(classes=[_person(rate=Decimal("90.0"))])),
    "renewals": (charts.renewals_chart, Row(by_person=[_person(due=2, renewed=1)])),
    "balances": (charts.balances_chart, [Row(student="小明", course="少儿英语", remaining=-1)]),
}

ENGLISH_AXES = {
    "funnel": ("Stage", "Leads (count)"),
    "money": ("Month", "Net revenue (CNY)"),
    "attendance": ("Class", "Attendance rate (%)"),
    "balances": ("Student · course", "Lessons left (lessons)"),
}


def test_the_samples_cover_every_charted_report():
    assert set(SAMPLES) == set(REPORTS)


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_every_chart_titles_its_category_and_value_axes_and_any_second_axis(app, name):
    build, report = SAMPLES[name]
    chart = build(report)
    axes = chart["axes"]
    assert axes["category"] and axes["value"]
    assert "（" in axes["value"] and axes["value"].endswith("）")  # the unit, as the value axis counts it
    second = [series for series in chart["series"] if series.get("axis") == "right"]
    assert bool(second) == ("right" in axes)
    if second:
        assert axes["right"] == second[0]["label"] and axes["right"] != axes["value"]


def test_the_money_chart_names_both_its_value_axes():
    chart = charts.money_chart(SAMPLES["money"][1])
    assert chart["axes"] == {"category": "月份", "value": "净收入（元）", "right": "课消（课时）"}


@pytest.mark.parametrize("name", sorted(ENGLISH_AXES))
def test_axis_titles_speak_english(app, name):
    build, report = SAMPLES[name]
    with app.test_request_context(), force_locale("en"):
        axes = build(report)["axes"]
    assert (axes["category"], axes["value"]) == ENGLISH_AXES[name]


def test_every_charted_axis_title_has_its_english(app):
    with app.test_request_context(), force_locale("en"):
        titles = {title for build, report in SAMPLES.values() for title in build(report)["axes"].values()}
    assert titles and not [title for title in titles if any("\u4e00" <= ch <= "\u9fff" for ch in title)]


@pytest.mark.parametrize("today, first", [
    (dt.date(2024, 6, 2), dt.date(2024, 1, 1)),
    (dt.date(2024, 3, 31), dt.date(2023, 10, 1)),
    (dt.date(2024, 12, 1), dt.date(2024, 7, 1)),
])
def test_six_months_back_starts_on_the_first_of_the_fifth_month_before(today, first):
    assert months_back(today, 5) == first
    assert months_back(today, 0) == today.replace(day=1)


def _date_field(body: str, name: str) -> str:
    field = re.search(rf'<input[^>]*\bname="{name}"[^>]*>', body).group(0)
    return re.search(r'value="([^"]*)"', field).group(1)


def test_a_report_by_month_opens_on_the_last_six_months(client, login_as):
    login_as("manager")
    body = client.get("/reports/money").get_data(as_text=True)
    today = school_today()
    assert _date_field(body, "start") == months_back(today, 5).isoformat()
    assert _date_field(body, "end") == month_end(today).isoformat()
    assert "近 6 个月" in body  # offered again beside the dates once another range is chosen


def test_a_report_by_month_draws_one_point_per_month_of_the_default_range(client, login_as, make_student,
                                                                          make_enrollment, pay):
    today = school_today()
    pay(make_enrollment(make_student("本月交费")), "300.00", dt.datetime.combine(today, dt.time(4)))
    login_as("manager")
    chart = _chart(client.get("/reports/money").get_data(as_text=True))
    assert len(chart["labels"]) == 6 and chart["labels"][-1] == f"{today:%Y-%m}"
    assert chart["series"][0]["data"][-1] == 300.0 and chart["axes"]["right"] == "课消（课时）"


def test_an_explicit_start_still_wins_over_the_monthly_default(client, login_as):
    login_as("manager")
    body = client.get("/reports/money", query_string={"start": "2024-03-01", "end": "2024-03-31"}).get_data(
        as_text=True)
    assert (_date_field(body, "start"), _date_field(body, "end")) == ("2024-03-01", "2024-03-31")


def test_a_report_by_day_keeps_the_current_month(client, login_as):
    login_as("manager")
    body = client.get("/reports/funnel").get_data(as_text=True)
    assert _date_field(body, "start") == school_today().replace(day=1).isoformat() and "近 6 个月" not in body
