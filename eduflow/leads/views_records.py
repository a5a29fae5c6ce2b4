"""Lead records in the browser: the list with filters and live search, create, edit, soft delete and restore."""
from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from flask_babel import gettext as _

from eduflow.access import OFFICE, SALES_SIDE, DeletedLead, get_or_404, may_manage_records, role_required, scoped
from eduflow.forms import ButtonForm
from eduflow.leads import bp, records
from eduflow.leads.forms_board import AssignForm
from eduflow.leads.forms_records import LeadFilterForm, LeadForm, ReferrerSearchForm
from eduflow.leads.queries import KEYSETS, filtered_leads, kept_total
from eduflow.leads.referrers import referrer_options
from eduflow.models import Lead, utcnow
from eduflow.pagination import keyset_paginate, paginate
from eduflow.web import me, refuse, render, submit


@bp.route("")
@role_required(*SALES_SIDE)
def index():
    """线索列表: filters, search and sort; htmx asks for the results region alone as the user types."""
    filters = LeadFilterForm(request.args, user=me())
    criteria = filters.criteria()
    page = keyset_paginate(records.with_list_details(filtered_leads(me(), criteria)), Lead, KEYSETS[criteria.sort],
                           narrow=bool(criteria.q), total=kept_total(me(), criteria))
    may_manage = may_manage_records(me())
    return render("leads/list.html", "leads/_list_rows.html", title=_("线索列表"), page=page, filters=filters,
                  now=utcnow(), is_overdue=records.is_overdue, may_manage=may_manage,
                  assign_form=AssignForm(user=me(), formdata=None) if may_manage else None)


def _form_page(form: LeadForm, lead: Lead | None = None, status: int | None = None):
    """The create/edit page; 422 when the submitted form has errors, or the refusal's own status."""
    cancel = url_for("leads.detail", lead_id=lead.id) if lead else url_for("leads.index")
    return render("leads/form.html", status=status or (422 if form.errors else 200), form=form, lead=lead,
                  title=_("编辑线索") if lead else _("新建线索"), cancel_url=cancel, button_form=ButtonForm(),
                  may_manage=may_manage_records(me()))


@bp.route("/new", methods=["GET", "POST"])
@role_required(*SALES_SIDE)
def new():
    """Record an enquiry; a phone number the campus already has is refused, naming its owner."""
    form = LeadForm(user=me())
    if request.method == "GET":
        return _form_page(form)
    done = submit(form, lambda: records.create_lead(form.values(), by=me(), **form.placement()))
    if not done:
        return _form_page(form, status=done.status)
    flash(_("已录入线索“%(name)s”。", name=done.result.name), "success")
    return redirect(url_for("leads.detail", lead_id=done.result.id))


@bp.route("/<int:lead_id>/edit", methods=["GET", "POST"])
@role_required(*SALES_SIDE)
def edit(lead_id: int):
    """Edit a lead's details on the version the user saw; a stale save shows the fresh values instead."""
    lead = get_or_404(Lead, lead_id)
    form = LeadForm(user=me(), lead=lead)
    if request.method == "GET":
        return _form_page(form, lead)
    done = submit(form, lambda: records.update_lead(lead, form.values(), by=me(), expected_version=form.version.data))
    if done.status == 409:
        lead = get_or_404(Lead, lead_id)
        fresh = LeadForm(formdata=None, user=me(), lead=lead)
        refuse(fresh, done.message)
        return _form_page(fresh, lead, done.status)
    if not done:
        return _form_page(form, lead, done.status)
    flash(_("已保存线索“%(name)s”。", name=lead.name), "success")
    return redirect(url_for("leads.detail", lead_id=lead.id))


@bp.route("/referrers")
@role_required(*SALES_SIDE)
def referrers():
    """The 推荐学员 picker's choices for the text typed so far (htmx, debounced): students in scope of the lead's
    campus (or the one chosen for a new lead), told apart by class and the last four digits of a phone."""
    search = ReferrerSearchForm(request.args)
    lead_id = search.valid("lead_id")
    lead = get_or_404(Lead, lead_id) if lead_id is not None else None
    campus_id = lead.campus_id if lead else search.valid("campus_id") or me().campus_id
    options = referrer_options(me(), campus_id=campus_id, q=search.valid("referrer_q") or "",
                               chosen_id=search.valid("referrer_student_id"), lead=lead)
    return render("leads/_referrer_options.html", options=options)


@bp.route("/<int:lead_id>/delete", methods=["POST"])
@role_required(*OFFICE)
def delete(lead_id: int):
    """Soft delete: the lead disappears from every list; the deleted-leads page restores it."""
    lead = get_or_404(Lead, lead_id)
    form = ButtonForm()
    if not form.validate_on_submit():
        abort(400)
    done = submit(form, lambda: records.soft_delete(lead, by=me()), validate=False)
    if not done:
        page_form = LeadForm(formdata=None, user=me(), lead=lead)
        refuse(page_form, done.message)
        return _form_page(page_form, lead, done.status)
    flash(_("已删除线索“%(name)s”，可在“已删除的线索”中恢复。", name=lead.name), "success")
    return redirect(url_for("leads.index"))


def _deleted_page(error: str | None = None, status: int = 200):
    query = scoped(DeletedLead).order_by(Lead.deleted_at.desc(), Lead.id.desc())
    page = paginate(records.with_list_details(query))
    return render("leads/list.html", status=status, title=_("已删除的线索"), page=page, deleted=True,
                  button_form=ButtonForm(), error=error)


@bp.route("/deleted")
@role_required(*OFFICE)
def deleted():
    """已删除的线索 of the manager's campus (every campus for an admin), each with a restore button."""
    return _deleted_page()


@bp.route("/<int:lead_id>/restore", methods=["POST"])
@role_required(*OFFICE)
def restore(lead_id: int):
    """Bring a deleted lead back; out of the manager's campus, or not deleted, it does not exist (404)."""
    lead = get_or_404(DeletedLead, lead_id)
    form = ButtonForm()
    if not form.validate_on_submit():
        abort(400)
    done = submit(form, lambda: records.restore(lead, by=me()), validate=False)
    if not done:
        return _deleted_page(done.message, done.status)
    flash(_("已恢复线索“%(name)s”。", name=lead.name), "success")
    return redirect(url_for("leads.deleted"))
