"""What each report's chart shows, as data for static/js/reports.js (which decides how it looks).

A chart is {"labels": [...], "series": [{"label", "data", "kind"?: "line", "axis"?: "right"}], "horizontal"?,
"stacked"?, "percent"?, "debt"?: negative bars in red}; None when the period has nothing to draw.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from eduflow.models import FollowUpMethod
from eduflow.reports.activity import Activity
from eduflow.reports.services import FUNNEL_STEPS, Funnel, Referrals, SixSpeedReport
from eduflow.reports.services_school import AttendanceReport, RenewalReport

TOP = 15  # bars beyond this many make an unreadable chart; the table below has every row


def _series(label, data, **extra) -> dict:
    return {"label": str(label), "data": [float(v) if v is not None else None for v in data], **extra}


def funnel_chart(report: Funnel) -> dict | None:
    if not report.overall.consulted:
        return None
    return {"labels": [str(label) for _key, label in FUNNEL_STEPS], "horizontal": True,
            "series": [_series(_l("线索数"), report.overall.counts)]}


def six_speed_chart(report: SixSpeedReport) -> dict | None:
    rows = report.rows[:TOP]
    if not rows:
        return None
    return {"labels": [r.label for r in rows], "series": [
        _series(_l("六速表"), [r.sheets for r in rows]), _series(_l("到访"), [r.visited for r in rows]),
        _series(_l("关单"), [r.closed for r in rows]), _series(_l("报名"), [r.enrolled for r in rows])]}


def activity_chart(report: Activity) -> dict | None:
    rows = report.rows[:TOP]
    if not rows:
        return None
    return {"labels": [r.label for r in rows], "stacked": True,
            "series": [_series(m.label, [r.by_method[m] for r in rows]) for m in FollowUpMethod]}


def referrals_chart(report: Referrals) -> dict | None:
    rows = report.students[:TOP]
    if not rows:
        return None
    return {"labels": [r.label for r in rows], "series": [
        _series(_l("转介绍线索"), [r.referred for r in rows]), _series(_l("已转化"), [r.converted for r in rows])]}


def money_chart(rows) -> dict | None:
    if not any(r.consumed or r.received or r.refunded for r in rows):
        return None
    return {"labels": [r.month.label for r in rows], "series": [
        _series(_l("净收入（元）"), [r.revenue for r in rows]),
        _series(_l("课消（课时）"), [r.consumed for r in rows], kind="line", axis="right")]}


def attendance_chart(report: AttendanceReport) -> dict | None:
    rows = report.classes[:TOP]
    if not rows:
        return None
    return {"labels": [r.label for r in rows], "percent": True,
            "series": [_series(_l("出勤率"), [r.rate for r in rows])]}


def renewals_chart(report: RenewalReport) -> dict | None:
    rows = report.by_person[:TOP]
    if not rows:
        return None
    return {"labels": [r.label for r in rows], "series": [
        _series(_l("应续费"), [r.due for r in rows]), _series(_l("已续费"), [r.renewed for r in rows])]}


def balances_chart(rows) -> dict | None:
    rows = rows[:TOP]
    if not rows:
        return None
    return {"labels": [f"{r.student} · {r.course}" for r in rows], "horizontal": True, "debt": True,
            "series": [_series(_l("剩余课时"), [r.remaining for r in rows])]}
