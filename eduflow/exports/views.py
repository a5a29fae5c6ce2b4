"""Exports in the browser: the exports page, and each filtered list as .xlsx or .csv (managers and admins)."""
from __future__ import annotations

from flask import Response, request, stream_with_context, url_for

from eduflow.access import OFFICE, may_open, role_required
from eduflow.i18n import school_today
from eduflow.exports import bp
from eduflow.exports.forms import AttendanceExportForm, LedgerExportForm
from eduflow.exports.lessons import attendance_export, ledger_export
from eduflow.exports.lists import enrollment_export, lead_export, student_export
from eduflow.exports.outcome import start, watched
from eduflow.exports.sheets import BadFilter, Export
from eduflow.exports.writers import attachment, csv_chunks
from eduflow.exports.xlsx import xlsx_chunks
from eduflow.web import me, render

BUILDERS = {"leads": lead_export, "students": student_export, "enrollments": enrollment_export,
            "attendance": attendance_export, "ledger": ledger_export}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@bp.app_template_global()
def export_urls(entity: str) -> dict[str, str] | None:
    """The 导出 Excel / CSV links of a list page, carrying the filters it shows now (not its page number);
    None for a role that may not export (the download view's own role_required decides)."""
    if not may_open("exports.download"):
        return None
    filters = {key: value for key, value in request.args.items()
               if value and key not in ("page", "entity", "fmt") and not key.startswith("_")}
    return {fmt: url_for("exports.download", entity=entity, fmt=fmt, **filters) for fmt in ("xlsx", "csv")}


def _page(error: str | None = None, status: int = 200, **forms):
    today = school_today()
    period = {"formdata": None, "date_from": today.replace(day=1), "date_to": today}
    forms.setdefault("attendance_form", AttendanceExportForm(user=me(), **period))
    forms.setdefault("ledger_form", LedgerExportForm(**period))
    return render("exports/index.html", status=status, error=error, **forms)


@bp.route("")
@role_required(*OFFICE)
def index():
    """导出: attendance and the lesson ledger by date range, and the way to the three list exports."""
    return _page()


def _refused(entity: str, error: BadFilter):
    """A filter that cannot be applied: the exports page says which, beside the field when it is one of its forms."""
    forms = {}
    if entity == "attendance":
        forms["attendance_form"] = AttendanceExportForm(request.args, user=me())
    elif entity == "ledger":
        forms["ledger_form"] = LedgerExportForm(request.args)
    for form in forms.values():
        form.validate()
    return _page(str(error), 400, **forms)


def _names(export: Export, fmt: str) -> tuple[str, str]:
    day = school_today().strftime("%Y%m%d")
    return f"{export.title}_{day}.{fmt}", f"{export.entity}_{day}.{fmt}"


def _private(response: Response, export: Export, fmt: str) -> Response:
    response.headers["Content-Disposition"] = attachment(*_names(export, fmt))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/<any(leads, students, enrollments, attendance, ledger):entity>.<any(xlsx, csv):fmt>")
@role_required(*OFFICE)
def download(entity: str, fmt: str):
    """The filtered list, every page of it, in the user's scope, streamed as it is written (both formats: no
    worker holds a whole file); audit-logged with its filters and row counts, and whether it was sent in full."""
    try:
        export = BUILDERS[entity](me(), request.args)
    except BadFilter as error:
        return _refused(entity, error)
    headers = export.headers()
    run = start(export, fmt)
    if fmt == "csv":
        chunks, mimetype = csv_chunks(headers, run.count(export.rows())), "text/csv"
    else:
        chunks, mimetype = xlsx_chunks(str(export.title), headers, [c.width for c in export.columns],
                                       run.count(export.rows())), XLSX
    return _private(Response(stream_with_context(watched(run, chunks)), mimetype=mimetype), export, fmt)
