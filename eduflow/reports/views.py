"""Reports (报表): the list of reports, and each report with its filter, chart and the table behind the chart."""
from __future__ import annotations

from flask import abort, request

from eduflow.access import SALES_SIDE, role_required
from eduflow.reports import bp
from eduflow.reports.catalogue import REPORTS, may_open_report, reports_for
from eduflow.reports.forms import ReportFilterForm
from eduflow.web import me, render


# One endpoint for the list and every report, so the navigation marks 报表 on all of them.
@bp.route("", defaults={"name": None})
@bp.route("/<name>")
@role_required(*SALES_SIDE)
def index(name: str | None):
    """报表: the reports the user may open, or one of them for the chosen dates (htmx: the report region only)."""
    user = me()
    if name is None:
        return render("reports/index.html", reports=reports_for(user))
    report = REPORTS.get(name)
    if report is None:
        abort(404)
    if not may_open_report(user, report):
        abort(403)
    form = ReportFilterForm(request.args, user=user, monthly=report.monthly)
    result = report.build(form.report_scope()) if form.validate() else None
    return render("reports/page.html", "reports/_report.html", status=200 if result is not None else 422,
                  report=report, form=form, result=result, chart=report.chart(result) if result is not None else None,
                  reports=reports_for(user))
