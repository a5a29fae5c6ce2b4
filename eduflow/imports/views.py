"""导入: upload a spreadsheet, map its columns, preview every row, commit with a progress bar, roll back."""
from __future__ import annotations

from flask import flash, redirect, request, send_file, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from eduflow.access import OFFICE, get_or_404, role_required, scoped
from eduflow.extensions import db
from eduflow.htmx import hx_redirect
from eduflow.forms import ButtonForm
from eduflow.imports import bp, services, workbooks
from eduflow.imports.forms import CommitForm, MappingForm, RowFilterForm, UploadForm
from eduflow.models import ImportBatch, ImportKind, ImportRow
from eduflow.pagination import paginate
from eduflow.web import me, render, submit

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@bp.route("", methods=["GET", "POST"])
@role_required(*OFFICE)
def index():
    """The upload form and the imports of the user's campus (all campuses for an admin), newest first."""
    form = UploadForm(user=me())
    if form.is_submitted():
        done = submit(form, lambda: services.upload(form.file.data.stream, form.file.data.filename,
                                                    kind=ImportKind(form.kind.data), campus_id=form.target_campus(),
                                                    by=me()), field="file")
        if done:
            return redirect(url_for("imports.detail", batch_id=done.result.id))
    page = paginate(scoped(ImportBatch).order_by(ImportBatch.id.desc()))
    return render("imports/index.html", status=422 if form.errors else 200, form=form, page=page)


@bp.route("/template/<any(leads, students):kind>.xlsx")
@role_required(*OFFICE)
def template(kind: str):
    return send_file(workbooks.template_workbook(ImportKind(kind)), mimetype=XLSX, as_attachment=True,
                     download_name=f"eduflow-{kind}-template.xlsx")


def _page(batch: ImportBatch, *, mapping_form=None, commit_form=None, status: int = 200):
    filters = RowFilterForm(request.args)
    query = _batch_rows(batch, filters.action.data if filters.validate() else None)
    page = paginate(query, per_page=50)
    done, of = services.progress(batch)
    context = dict(batch=batch, page=page, filters=filters, done=done, of=of,
                   preview=services.preview_rows(batch, page.items),
                   mapping_form=mapping_form or MappingForm.for_batch(batch),
                   commit_form=commit_form or CommitForm(), confirm=ButtonForm())
    return render("imports/detail.html", "imports/_rows.html", status=status, **context)


def _batch_rows(batch: ImportBatch, action: str | None):
    """The batch's rows (the batch itself was loaded in scope), optionally only one preview result."""
    query = select(ImportRow).where(ImportRow.batch_id == batch.id).order_by(ImportRow.row_number)
    return query.where(ImportRow.action == action) if action else query


@bp.route("/<int:batch_id>")
@role_required(*OFFICE)
def detail(batch_id: int):
    """One import: its column mapping, the progress of a running step, or the preview and the result."""
    return _page(get_or_404(ImportBatch, batch_id))


@bp.route("/<int:batch_id>/mapping", methods=["POST"])
@role_required(*OFFICE)
def mapping(batch_id: int):
    batch = get_or_404(ImportBatch, batch_id)
    form = MappingForm.for_batch(batch, request.form)
    if not form.validate():
        return _page(batch, mapping_form=form, status=422)
    done = submit(form, lambda: services.set_mapping(batch, form.mapping()), validate=False)
    if not done:
        flash(done.message, "warning")
        return _page(batch, mapping_form=form, status=422)
    return redirect(url_for("imports.detail", batch_id=batch.id))


@bp.route("/<int:batch_id>/step", methods=["POST"])
@role_required(*OFFICE)
def step(batch_id: int):
    """Polled by the progress bar: process the next rows, answer the bar, or reload the page when done."""
    batch = get_or_404(ImportBatch, batch_id)
    if not ButtonForm().validate_on_submit():
        return render("imports/_progress.html", status=400, batch=batch, done=0, of=0)
    services.run_step(batch.id, me())
    batch = db.session.get(ImportBatch, batch.id)
    if batch.status not in services.RUNNING:
        return hx_redirect(url_for("imports.detail", batch_id=batch.id))
    done, of = services.progress(batch)
    return render("imports/_progress.html", batch=batch, done=done, of=of, confirm=ButtonForm())


@bp.route("/<int:batch_id>/commit", methods=["POST"])
@role_required(*OFFICE)
def commit(batch_id: int):
    batch = get_or_404(ImportBatch, batch_id)
    form = CommitForm()
    if form.is_submitted():
        done = submit(form, lambda: services.start_commit(batch, skip_rejected=form.skip_rejected.data))
        if done.message:
            flash(done.message, "warning")
            return _page(batch, commit_form=form, status=422)
    return redirect(url_for("imports.detail", batch_id=batch.id))


@bp.route("/<int:batch_id>/rollback", methods=["POST"])
@role_required(*OFFICE)
def rollback(batch_id: int):
    batch = get_or_404(ImportBatch, batch_id)
    form = ButtonForm()
    if form.is_submitted():
        done = submit(form, lambda: services.rollback(batch, by=me()))
        if done.message:
            flash(done.message, "warning")
            return _page(db.session.get(ImportBatch, batch_id), status=422)
        if done:
            flash(_("导入已撤销。"), "success")
    return redirect(url_for("imports.detail", batch_id=batch_id))


@bp.route("/<int:batch_id>/rejected.xlsx")
@role_required(*OFFICE)
def rejected(batch_id: int):
    """The rejected rows with an error column, to fix and upload again."""
    batch = get_or_404(ImportBatch, batch_id)
    return send_file(workbooks.rejected_workbook(batch), mimetype=XLSX, as_attachment=True,
                     download_name=f"eduflow-import-{batch.id}-rejected.xlsx")
