"""The funnel report in the real browser on a tablet: Chart.js draws the chart, the table is beside it, and a
changed date swaps in the new report (htmx) with a freshly drawn chart.

The screenshot comes last: Playwright's screenshot leaves an empty style="" on inputs, which htmx's settle step
would copy onto swapped-in inputs (a CSP report the page fixture would count as an error).
"""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from eduflow.extensions import db
from eduflow.models import LeadStage
from tests.browser_support import screenshot, sign_in
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser

DRAWN = """canvas => {
  const chart = window.Chart && Chart.getChart(canvas);
  return chart ? {width: canvas.width, height: canvas.height, data: chart.data.datasets[0].data} : null;
}"""


@pytest.fixture
def leads(make_lead, source):
    online, street = source("线上广告"), source("地推")
    S = LeadStage
    make_lead("一号", "sales", source_id=online.id, consult="2024-03-05", stage=S.CONVERTED,
              history=[S.CONTACTED, S.INTENT, S.CONVERTED])
    make_lead("二号", "sales", source_id=street.id, consult="2024-03-10", stage=S.CONTACTED, history=[S.CONTACTED])
    make_lead("三号", "sales2", source_id=online.id, consult="2024-03-20", stage=S.INTENT, history=[S.INTENT])
    make_lead("四号", "sales2", source_id=street.id, consult="2024-03-28")
    db.session.commit()


def test_the_funnel_chart_renders_beside_its_table_on_a_tablet(page, users, leads):
    sign_in(page, "manager", PASSWORD)
    page.goto("/reports")
    page.get_by_test_id("report-link-funnel").click()
    page.goto("/reports/funnel?start=2024-03-01&end=2024-03-31")

    canvas = page.get_by_test_id("report-chart")
    expect(canvas).to_be_visible()
    page.wait_for_function("() => window.Chart && Chart.getChart(document.querySelector('[data-report-chart]'))")
    drawn = canvas.evaluate(DRAWN)
    assert drawn["width"] > 300 and drawn["height"] > 100, drawn
    assert drawn["data"] == [4, 3, 2, 0, 1]
    expect(page.get_by_test_id("funnel-step-consulted")).to_contain_text("4")
    expect(page.get_by_test_id("funnel-by-source")).to_contain_text("线上广告")
    expect(page.get_by_test_id("funnel-by-person")).to_contain_text("Sales2")

    page.fill("#end", "2024-03-15")
    expect(page.get_by_test_id("funnel-step-consulted")).to_contain_text("2")
    page.wait_for_function(
        "() => { const c = Chart.getChart(document.querySelector('[data-report-chart]'));"
        " return c && c.data.datasets[0].data[0] === 2; }")
    assert page.url.endswith("/reports/funnel?start=2024-03-01&end=2024-03-15")
    assert canvas.evaluate(DRAWN)["width"] > 300

    page.evaluate("window.scrollTo(0, 0)")
    screenshot(page, "reports-funnel-tablet")


AXES = """canvas => {
  const chart = Chart.getChart(canvas);
  const title = (id) => chart.scales[id] && chart.scales[id].options.title.display ? chart.scales[id].options.title.text : null;
  return {x: title('x'), y: title('y'), right: title('right'), width: chart.scales.right ? chart.scales.right.width : 0};
}"""


@pytest.mark.parametrize("locale, expected", [
    ("zh_CN", {"x": "月份", "y": "净收入（元）", "right": "课消（课时）"}),
    ("en", {"x": "Month", "y": "Net revenue (CNY)", "right": "Lessons consumed"}),
])
def test_the_money_chart_titles_both_its_value_axes_over_six_months(page, users, make_student, make_enrollment, pay,
                                                                     locale, expected):
    import datetime as dt

    from eduflow.i18n import school_today

    users["manager"].locale = locale
    pay(make_enrollment(make_student("本月交费")), "300.00", dt.datetime.combine(school_today(), dt.time(4)))
    db.session.commit()
    sign_in(page, "manager", PASSWORD)
    page.goto("/reports/money")  # no dates: the last six months
    canvas = page.get_by_test_id("report-chart")
    expect(canvas).to_be_visible()
    page.wait_for_function("() => window.Chart && Chart.getChart(document.querySelector('[data-report-chart]'))")
    axes = canvas.evaluate(AXES)
    assert {key: axes[key] for key in ("x", "y", "right")} == expected
    assert axes["width"] > 20  # the right axis is drawn with its title, not squeezed away
    assert canvas.evaluate("c => Chart.getChart(c).data.labels.length") == 6
    page.evaluate("window.scrollTo(0, 0)")
    screenshot(page, f"reports-money-axes-{locale}")
