"""Reports (报表): the list of reports, and each report with its filter, chart and the table behind the chart."""
from __future__ import annotations

from flask import abort, render_template, request
from flask_login import current_user

from eduflow.access import role_required
from eduflow.htmx import render
from eduflow.reports import bp
from eduflow.reports.catalogue import REPORTS, SALES_SIDE, reports_for
from eduflow.reports.forms import ReportFilterForm


# One endpoint for the list and every report, so the navigation marks 报表 on all of them.
@bp.route("", defaults={"name": None})
@bp.route("/<name>")
@role_required(*SALES_SIDE)
def index(name: str | None):
    """报表: the reports the user may open, or one of them for the chosen dates (htmx: the report region only)."""
    me = current_user._get_current_object()
    if name is None:
        return render_template("reports/index.html", reports=reports_for(me))
    report = REPORTS.get(name)
    if report is None:
        abort(404)
    if me.role not in report.roles:
        abort(403)
    form = ReportFilterForm(request.args, user=me)
    result = report.build(form.report_scope()) if form.validate() else None
    response = render("reports/page.html", "reports/_report.html", report=report, form=form, result=result,
                      chart=report.chart(result) if result is not None else None, reports=reports_for(me))
    if result is None:
        response.status_code = 422
    return response
