"""The reports there are, who may open each, the service behind it and its chart."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from flask_babel import lazy_gettext as _l

from eduflow.access import OFFICE, SALES_SIDE, in_roles
from eduflow.models import User
from eduflow.reports import activity, charts, services, services_school
from eduflow.reports.scope import ReportScope



@dataclass(frozen=True)
class Report:
    name: str  # its URL: /reports/<name>; its table template: reports/_<name>.html
    title: Any
    summary: Any
    roles: frozenset  # a named role set of eduflow.access.rules
    build: Callable[[ReportScope], Any]
    chart: Callable[[Any], dict | None]
    dated: bool = True  # False: figures as of today, the date range does not apply
    monthly: bool = False  # a row per month: the range defaults to the last six months (reports/forms.py)


REPORTS = {report.name: report for report in (
    Report("funnel", _l("转化漏斗"), _l("咨询 → 首次沟通 → 意向 → 试听 → 报名，按来源渠道和课程顾问。"),
           SALES_SIDE, services.funnel, charts.funnel_chart),
    Report("sixspeed", _l("六速统计"), _l("每位课程顾问的六速表：到访、关单、报名。"),
           SALES_SIDE, services.six_speed, charts.six_speed_chart),
    Report("activity", _l("跟进活动"), _l("每人的跟进次数，按跟进方式。"),
           SALES_SIDE, activity.follow_up_activity, charts.activity_chart),
    Report("referrals", _l("转介绍"), _l("每位学员介绍的线索数及其转化。"),
           SALES_SIDE, services.referrals, charts.referrals_chart),
    Report("money", _l("课消与收入"), _l("每月消耗的课时，收款、退款与净收入。"),
           OFFICE, services_school.money_by_month, charts.money_chart, monthly=True),
    Report("attendance", _l("出勤率"), _l("按班级和教师统计的出勤率。"),
           OFFICE, services_school.attendance, charts.attendance_chart),
    Report("renewals", _l("续费率"), _l("到期或课时不足的报名中，已续费的比例。"),
           SALES_SIDE, services_school.renewals, charts.renewals_chart),
    Report("balances", _l("课时余额预警"), _l("剩余课时不多或已欠课时的学员。"),
           SALES_SIDE, services_school.low_balances, charts.balances_chart, dated=False),
)}


def reports_for(user: User) -> list[Report]:
    """The reports this user may open, in the catalogue's order."""
    return [report for report in REPORTS.values() if may_open_report(user, report)]


def may_open_report(user: User, report: Report) -> bool:
    """Each report names the role set that may open it (a sales report, an office report)."""
    return in_roles(user, report.roles)
