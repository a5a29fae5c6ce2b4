"""The campus lead pool (公海): browse, claim, release, and a manager's assignment of many leads."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from eduflow.access import LEAD_OWNERS, OFFICE, SALES_SIDE, get_or_404, is_sales, may_open, role_required
from eduflow.domain import DomainError
from eduflow.extensions import db
from eduflow.htmx import is_htmx
from eduflow.leads import bp
from eduflow.leads import pool as pool_rules
from eduflow.leads.board import POOL_ORDER, leads_in_scope, pool_campus, pool_leads
from eduflow.leads.forms_board import AssignForm, ClaimForm, PoolFilterForm, ReleaseForm
from eduflow.leads.queries import LeadFilters
from eduflow.models import Lead, User
from eduflow.pagination import keyset_paginate
from eduflow.web import go, me, render


def _rows_context(**context) -> dict:
    return {"can_claim": may_open("leads.claim"), "can_assign": may_open("leads.assign"),
            "can_open": not is_sales(me()), **context}


def _back(given: str | None, default: str) -> str:
    """Where a claim or an assignment returns: the pool or the lead list as the user had it filtered. The page's
    address first (the Referer, or htmx's HX-Current-URL: the lead list pushes its filters there as they change,
    after the form's `next` was written), then the form's `next`; anything but those two screens is `default`."""
    lists = {url_for("leads.pool"), url_for("leads.index")}
    for url in (request.headers.get("HX-Current-URL"), request.referrer, given):
        parts = urlsplit(url or "")
        if parts.path in lists and parts.netloc in ("", request.host):
            return parts.path + (f"?{parts.query}" if parts.query else "")
    return default


def _here() -> str:
    """This page's own path and query, for the forms that come back to it."""
    return request.full_path.rstrip("?")


@bp.route("/pool")
@role_required(*SALES_SIDE)
def pool():
    """公海: the campus's open leads without an owner, to claim or (managers) to assign."""
    filters = PoolFilterForm(request.args, user=me())
    campus = pool_campus(me(), filters.valid_data().get("campus"))
    criteria = filters.criteria()
    page = keyset_paginate(pool_leads(campus.id, criteria), Lead, POOL_ORDER, narrow=bool(criteria.q)) if campus else None
    assign_form = AssignForm(user=me(), campus_id=campus.id if campus else None) if may_open("leads.assign") else None
    return render_template("leads/pool.html", **_rows_context(
        filters=filters, campus=campus, page=page, leads=page.items if page else [], assign_form=assign_form,
        back_url=_here()))


@bp.route("/<int:lead_id>/claim", methods=["POST"])
@role_required(*LEAD_OWNERS)
def claim(lead_id: int):
    """领取: first come, first served, within the holding cap. A lead the user cannot claim (a colleague's,
    taken a moment ago, closed, another campus's) answers 404 exactly like an unknown id."""
    form = ClaimForm()
    if not form.validate_on_submit():
        abort(400)
    back = _back(form.next.data, url_for("leads.pool"))
    try:
        lead = pool_rules.claim(lead_id, by=me())
    except DomainError as error:
        db.session.rollback()
        return _claim_answer(_pool_row(lead_id), back, str(error), error.status_code)
    if lead is None:
        abort(404)
    db.session.commit()
    return _claim_answer(lead, back, _("已领取 %(name)s。", name=lead.name))


def _pool_row(lead_id: int) -> Lead | None:
    """The lead as the user's pool lists it, to show a refusal beside it; None if it is not in their pool."""
    if me().campus_id is None:
        return None
    return db.session.scalars(pool_leads(me().campus_id, LeadFilters()).where(Lead.id == lead_id)).first()


def _claim_answer(lead: Lead | None, back: str, message: str, status: int = 200):
    """The claimed row; after a refusal, the lead's row as it was with the reason beside its 领取 button."""
    if not is_htmx():
        flash(message, "success" if status < 400 else "danger")
        return redirect(back)
    refused = status >= 400
    context = _rows_context(leads=[lead] if lead else [], claimed=not refused, back_url=back,
                            refusal=message if refused else None, message=message if refused and not lead else None)
    return render("leads/_pool_rows.html", status=status, **context)


@bp.route("/<int:lead_id>/release", methods=["POST"])
@role_required(*SALES_SIDE)
def release(lead_id: int):
    """释放到公海 with a reason: the owner, their campus manager or an admin."""
    lead = get_or_404(Lead, lead_id)
    form = ReleaseForm()
    if form.validate_on_submit():
        try:
            pool_rules.release(lead, by=me(), reason=form.reason.data)
        except DomainError as error:
            db.session.rollback()
            form.form_errors.append(str(error))
        else:
            db.session.commit()
            flash(_("已将 %(name)s 释放到公海。", name=lead.name), "success")
            return go(url_for("leads.pool", campus=lead.campus_id))
    for errors in form.errors.values():
        flash(errors[0], "danger")
    return go(url_for("leads.detail", lead_id=lead.id))


@bp.route("/assign", methods=["POST"])
@role_required(*OFFICE)
def assign():
    """分配: hand the ticked leads (pool or owned) to a salesperson of their campus."""
    form = AssignForm(user=me())
    if not form.validate_on_submit():
        for errors in form.errors.values():
            flash(errors[0], "danger")
        return go(_back(form.next.data, url_for("leads.pool")))
    leads = leads_in_scope(me(), form.lead_ids.data)
    if leads is None:
        abort(404)
    to_user = get_or_404(User, form.to_user.data)
    try:
        moved = pool_rules.assign(leads, to_user=to_user, by=me())
    except DomainError as error:
        db.session.rollback()
        flash(str(error), "danger")
    else:
        db.session.commit()
        flash(_("已将 %(n)s 条线索分配给 %(name)s。", n=moved, name=to_user.display_name), "success")
    return go(_back(form.next.data, url_for("leads.pool", campus=leads[0].campus_id)))
