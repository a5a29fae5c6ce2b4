"""Lead records in the browser: the list with filters and live search, create, edit, soft delete and restore."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from eduflow.access import LEAD_ROLES, get_or_404, role_required
from eduflow.domain import DomainError, StaleRecord
from eduflow.extensions import db
from eduflow.htmx import render
from eduflow.leads import bp, records
from eduflow.leads.forms_board import AssignForm
from eduflow.forms import ButtonForm
from eduflow.leads.forms_records import LeadFilterForm, LeadForm
from eduflow.leads.queries import KEYSETS, filtered_leads, kept_total
from eduflow.models import Lead, utcnow
from eduflow.pagination import keyset_paginate, paginate

MANAGING_ROLES = records.MANAGING_ROLES


def _me():
    return current_user._get_current_object()


@bp.route("")
@role_required(*LEAD_ROLES)
def index():
    """线索列表: filters, search and sort; htmx asks for the results region alone as the user types."""
    filters = LeadFilterForm(request.args, user=_me())
    criteria = filters.criteria()
    page = keyset_paginate(records.with_list_details(filtered_leads(_me(), criteria)), Lead, KEYSETS[criteria.sort],
                           narrow=bool(criteria.q), total=kept_total(_me(), criteria))
    may_manage = records.may_manage_records(_me())
    return render("leads/list.html", "leads/_list_rows.html", title=_("线索列表"), page=page, filters=filters,
                  now=utcnow(), is_overdue=records.is_overdue, may_manage=may_manage,
                  assign_form=AssignForm(user=_me(), formdata=None) if may_manage else None)


def _form_page(form: LeadForm, lead: Lead | None = None, error: DomainError | None = None):
    """The create/edit page; a refused save says why, beside its field when the rule is about one field."""
    if error is not None:
        field = getattr(error, "field", None)
        if field in form:
            form[field].errors = [*form[field].errors, str(error)]
        else:
            form.form_errors.append(str(error))
    status = error.status_code if error is not None else (422 if form.errors else 200)
    cancel = url_for("leads.detail", lead_id=lead.id) if lead else url_for("leads.index")
    body = render_template("leads/form.html", form=form, lead=lead, title=_("编辑线索") if lead else _("新建线索"),
                           cancel_url=cancel, button_form=ButtonForm(), may_manage=records.may_manage_records(_me()))
    return body, status


@bp.route("/new", methods=["GET", "POST"])
@role_required(*LEAD_ROLES)
def new():
    """Record an enquiry; a phone number the campus already has is refused, naming its owner."""
    form = LeadForm(user=_me())
    if not form.validate_on_submit():
        return _form_page(form)
    try:
        lead = records.create_lead(form.values(), by=_me(), **form.placement())
        db.session.commit()
    except DomainError as error:
        db.session.rollback()
        return _form_page(form, error=error)
    flash(_("已录入线索“%(name)s”。", name=lead.name), "success")
    return redirect(url_for("leads.detail", lead_id=lead.id))


@bp.route("/<int:lead_id>/edit", methods=["GET", "POST"])
@role_required(*LEAD_ROLES)
def edit(lead_id: int):
    """Edit a lead's details on the version the user saw; a stale save shows the fresh values instead."""
    lead = get_or_404(Lead, lead_id)
    form = LeadForm(user=_me(), lead=lead)
    if not form.validate_on_submit():
        return _form_page(form, lead)
    try:
        records.update_lead(lead, form.values(), by=_me(), expected_version=form.version.data)
        db.session.commit()
    except StaleRecord as error:
        db.session.rollback()
        lead = get_or_404(Lead, lead_id)
        return _form_page(LeadForm(formdata=None, user=_me(), lead=lead), lead, error)
    except DomainError as error:
        db.session.rollback()
        return _form_page(form, lead, error)
    flash(_("已保存线索“%(name)s”。", name=lead.name), "success")
    return redirect(url_for("leads.detail", lead_id=lead.id))


@bp.route("/<int:lead_id>/delete", methods=["POST"])
@role_required(*MANAGING_ROLES)
def delete(lead_id: int):
    """Soft delete: the lead disappears from every list; the deleted-leads page restores it."""
    lead = get_or_404(Lead, lead_id)
    if not ButtonForm().validate_on_submit():
        abort(400)
    try:
        records.soft_delete(lead, by=_me())
        db.session.commit()
    except DomainError as error:
        db.session.rollback()
        return _form_page(LeadForm(formdata=None, user=_me(), lead=lead), lead, error)
    flash(_("已删除线索“%(name)s”，可在“已删除的线索”中恢复。", name=lead.name), "success")
    return redirect(url_for("leads.index"))


def _deleted_page(error: DomainError | None = None):
    query = records.deleted_leads(_me()).order_by(Lead.deleted_at.desc(), Lead.id.desc())
    page = paginate(records.with_list_details(query))
    body = render_template("leads/list.html", title=_("已删除的线索"), page=page, deleted=True,
                           button_form=ButtonForm(), error=str(error) if error else None)
    return body, error.status_code if error else 200


@bp.route("/deleted")
@role_required(*MANAGING_ROLES)
def deleted():
    """已删除的线索 of the manager's campus (every campus for an admin), each with a restore button."""
    return _deleted_page()


@bp.route("/<int:lead_id>/restore", methods=["POST"])
@role_required(*MANAGING_ROLES)
def restore(lead_id: int):
    """Bring a deleted lead back; out of the manager's campus, or not deleted, it does not exist (404)."""
    lead = db.session.scalar(records.deleted_leads(_me()).where(Lead.id == lead_id))
    if lead is None:
        abort(404)
    if not ButtonForm().validate_on_submit():
        abort(400)
    try:
        records.restore(lead, by=_me())
        db.session.commit()
    except DomainError as error:
        db.session.rollback()
        return _deleted_page(error)
    flash(_("已恢复线索“%(name)s”。", name=lead.name), "success")
    return redirect(url_for("leads.deleted"))
