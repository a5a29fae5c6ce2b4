"""导入: upload a spreadsheet, map its columns, preview every row, commit with a progress bar, roll back."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from eduflow.access import get_or_404, role_required, scoped
from eduflow.domain import DomainError
from eduflow.extensions import db
from eduflow.htmx import hx_redirect, render
from eduflow.forms import ButtonForm
from eduflow.imports import bp, services
from eduflow.imports.forms import CommitForm, MappingForm, RowFilterForm, UploadForm
from eduflow.imports.reading import ImportFileError
from eduflow.models import ImportBatch, ImportKind, ImportRow, Role
from eduflow.pagination import paginate

IMPORT_ROLES = (Role.ADMIN, Role.MANAGER)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _me():
    return current_user._get_current_object()


@bp.route("", methods=["GET", "POST"])
@role_required(*IMPORT_ROLES)
def index():
    """The upload form and the imports of the user's campus (all campuses for an admin), newest first."""
    form = UploadForm(user=_me())
    if form.validate_on_submit():
        try:
            batch = services.upload(form.file.data.stream, form.file.data.filename, kind=ImportKind(form.kind.data),
                                    campus_id=form.target_campus(), by=_me())
        except (ImportFileError, DomainError) as error:
            db.session.rollback()
            form.file.errors.append(str(error))
        else:
            db.session.commit()
            return redirect(url_for("imports.detail", batch_id=batch.id))
    page = paginate(scoped(ImportBatch).order_by(ImportBatch.id.desc()))
    status = 422 if form.errors else 200
    return render_template("imports/index.html", form=form, page=page), status


@bp.route("/template/<any(leads, students):kind>.xlsx")
@role_required(*IMPORT_ROLES)
def template(kind: str):
    return send_file(services.template_workbook(ImportKind(kind)), mimetype=XLSX, as_attachment=True,
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
    response = render("imports/detail.html", "imports/_rows.html", **context)
    response.status_code = status
    return response


def _batch_rows(batch: ImportBatch, action: str | None):
    """The batch's rows (the batch itself was loaded in scope), optionally only one preview result."""
    query = select(ImportRow).where(ImportRow.batch_id == batch.id).order_by(ImportRow.row_number)
    return query.where(ImportRow.action == action) if action else query


@bp.route("/<int:batch_id>")
@role_required(*IMPORT_ROLES)
def detail(batch_id: int):
    """One import: its column mapping, the progress of a running step, or the preview and the result."""
    return _page(get_or_404(ImportBatch, batch_id))


@bp.route("/<int:batch_id>/mapping", methods=["POST"])
@role_required(*IMPORT_ROLES)
def mapping(batch_id: int):
    batch = get_or_404(ImportBatch, batch_id)
    form = MappingForm.for_batch(batch, request.form)
    if form.validate():
        try:
            services.set_mapping(batch, form.mapping())
        except DomainError as error:
            db.session.rollback()
            flash(str(error), "warning")
            return _page(batch, mapping_form=form, status=422)
        db.session.commit()
        return redirect(url_for("imports.detail", batch_id=batch.id))
    return _page(batch, mapping_form=form, status=422)


@bp.route("/<int:batch_id>/step", methods=["POST"])
@role_required(*IMPORT_ROLES)
def step(batch_id: int):
    """Polled by the progress bar: process the next rows, answer the bar, or reload the page when done."""
    batch = get_or_404(ImportBatch, batch_id)
    if not ButtonForm().validate_on_submit():
        return render_template("imports/_progress.html", batch=batch, done=0, of=0), 400
    services.run_step(batch.id, _me())
    batch = db.session.get(ImportBatch, batch.id)
    if batch.status not in services.RUNNING:
        return hx_redirect(url_for("imports.detail", batch_id=batch.id))
    done, of = services.progress(batch)
    return render_template("imports/_progress.html", batch=batch, done=done, of=of, confirm=ButtonForm())


@bp.route("/<int:batch_id>/commit", methods=["POST"])
@role_required(*IMPORT_ROLES)
def commit(batch_id: int):
    batch = get_or_404(ImportBatch, batch_id)
    form = CommitForm()
    if form.validate_on_submit():
        try:
            services.start_commit(batch, skip_rejected=form.skip_rejected.data)
        except DomainError as error:
            db.session.rollback()
            flash(str(error), "warning")
            return _page(batch, commit_form=form, status=422)
        db.session.commit()
    return redirect(url_for("imports.detail", batch_id=batch.id))


@bp.route("/<int:batch_id>/rollback", methods=["POST"])
@role_required(*IMPORT_ROLES)
def rollback(batch_id: int):
    batch = get_or_404(ImportBatch, batch_id)
    if ButtonForm().validate_on_submit():
        try:
            services.rollback(batch, by=_me())
        except DomainError as error:
            db.session.rollback()
            flash(str(error), "warning")
            return _page(db.session.get(ImportBatch, batch_id), status=422)
        db.session.commit()
        flash(_("导入已撤销。"), "success")
    return redirect(url_for("imports.detail", batch_id=batch_id))


@bp.route("/<int:batch_id>/rejected.xlsx")
@role_required(*IMPORT_ROLES)
def rejected(batch_id: int):
    """The rejected rows with an error column, to fix and upload again."""
    batch = get_or_404(ImportBatch, batch_id)
    return send_file(services.rejected_workbook(batch), mimetype=XLSX, as_attachment=True,
                     download_name=f"eduflow-import-{batch.id}-rejected.xlsx")
