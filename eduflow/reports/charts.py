"""What each report's chart shows, as data for static/js/reports.js (which decides how it looks).

A chart is {"labels": [...], "series": [{"label", "data", "kind"?: "line", "axis"?: "right"}], "axes": {"category",
"value", "right"?}: each axis's title with its unit, "horizontal"?, "stacked"?, "percent"?, "debt"?: negative bars in
red}; None when the period has nothing to draw. Every chart names its axes: a bar's height means nothing unlabelled.
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


def _axes(category, value, right=None) -> dict:
    """The axes' titles: what the bars stand for, what their length counts (and in what), the right axis's."""
    axes = {"category": str(category), "value": str(value)}
    return {**axes, "right": str(right)} if right is not None else axes


def funnel_chart(report: Funnel) -> dict | None:
    if not report.overall.consulted:
        return None
    return {"labels": [str(label) for _key, label in FUNNEL_STEPS], "horizontal": True,
            "axes": _axes(_l("阶段"), _l("线索数（条）")), "series": [_series(_l("线索数"), report.overall.counts)]}


def six_speed_chart(report: SixSpeedReport) -> dict | None:
    rows = report.rows[:TOP]
    if not rows:
        return None
    return {"labels": [r.label for r in rows], "axes": _axes(_l("课程顾问"), _l("六速表（张）")), "series": [
        _series(_l("六速表"), [r.sheets for r in rows]), _series(_l("到访"), [r.visited for r in rows]),
        _series(_l("关单"), [r.closed for r in rows]), _series(_l("报名"), [r.enrolled for r in rows])]}


def activity_chart(report: Activity) -> dict | None:
    rows = report.rows[:TOP]
    if not rows:
        return None
    return {"labels": [r.label for r in rows], "stacked": True, "axes": _axes(_l("跟进人"), _l("跟进（次）")),
            "series": [_series(m.label, [r.by_method[m] for r in rows]) for m in FollowUpMethod]}


def referrals_chart(report: Referrals) -> dict | None:
    rows = report.students[:TOP]
    if not rows:
        return None
    return {"labels": [r.label for r in rows], "axes": _axes(_l("介绍人"), _l("线索数（条）")), "series": [
        _series(_l("转介绍线索"), [r.referred for r in rows]), _series(_l("已转化"), [r.converted for r in rows])]}


def money_chart(rows) -> dict | None:
    if not any(r.consumed or r.received or r.refunded for r in rows):
        return None
    return {"labels": [r.month.label for r in rows], "axes": _axes(_l("月份"), _l("净收入（元）"), _l("课消（课时）")),
            "series": [_series(_l("净收入（元）"), [r.revenue for r in rows]),
                       _series(_l("课消（课时）"), [r.consumed for r in rows], kind="line", axis="right")]}


def attendance_chart(report: AttendanceReport) -> dict | None:
    rows = report.classes[:TOP]
    if not rows:
        return None
    return {"labels": [r.label for r in rows], "percent": True, "axes": _axes(_l("班级"), _l("出勤率（%）")),
            "series": [_series(_l("出勤率"), [r.rate for r in rows])]}


def renewals_chart(report: RenewalReport) -> dict | None:
    rows = report.by_person[:TOP]
    if not rows:
        return None
    return {"labels": [r.label for r in rows], "axes": _axes(_l("课程顾问"), _l("报名（份）")), "series": [
        _series(_l("应续费"), [r.due for r in rows]), _series(_l("已续费"), [r.renewed for r in rows])]}


def balances_chart(rows) -> dict | None:
    rows = rows[:TOP]
    if not rows:
        return None
    return {"labels": [f"{r.student} · {r.course}" for r in rows], "horizontal": True, "debt": True,
            "axes": _axes(_l("学员 · 课程"), _l("剩余课时（课时）")), "series": [_series(_l("剩余课时"), [r.remaining for r in rows])]}
