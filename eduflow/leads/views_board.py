"""The lead board (线索看板): a column per stage, more cards on scroll, and moving a card by drag and drop."""
from __future__ import annotations

from flask import render_template, request, url_for

from eduflow.access import SALES_SIDE, get_or_404, role_required
from eduflow.domain import DomainError
from eduflow.extensions import db
from eduflow.htmx import hx_redirect
from eduflow.leads import bp
from eduflow.leads.board import CONVERT, NEEDS_REASON, STAGE_TARGETS, board_columns, card_for, column_page, move_card, stage_counts
from eduflow.leads.forms_board import BoardFilterForm, MoveForm
from eduflow.models import Lead, LeadStage, utcnow
from eduflow.pagination import requested_page
from eduflow.web import me, render

STAGES = ",".join(stage.value for stage in LeadStage)


@bp.route("/board")
@role_required(*SALES_SIDE)
def board():
    """线索看板: every stage's total and first page of cards, under the chosen filters."""
    filters = BoardFilterForm(request.args, user=me())
    columns = board_columns(me(), filters.criteria())
    return render_template("leads/board.html", columns=columns, filters=filters, filter_args=filters.url_args(),
                           stage_targets=STAGE_TARGETS)


@bp.route(f"/board/column/<any({STAGES}):stage>")
@role_required(*SALES_SIDE)
def board_column(stage: str):
    """The next page of one column's cards, appended where the column's end came into view."""
    filters = BoardFilterForm(request.args, user=me())
    page = column_page(me(), filters.criteria(), LeadStage(stage), requested_page(), after=request.args.get("after"))
    return render("leads/_cards_page.html", stage=LeadStage(stage), page=page, filter_args=filters.url_args())


@bp.route("/<int:lead_id>/card")
@role_required(*SALES_SIDE)
def board_card(lead_id: int):
    """One card as it is now (a cancelled drop puts it back with this)."""
    lead = get_or_404(Lead, lead_id)
    filters = BoardFilterForm(request.args, user=me())
    return render("leads/_card.html", card=card_for(lead, utcnow()), filter_args=filters.url_args())


@bp.route("/<int:lead_id>/move", methods=["POST"])
@role_required(*SALES_SIDE)
def move(lead_id: int):
    """A card dropped on another column: move it, ask for the lost reason, or open the conversion form."""
    lead = get_or_404(Lead, lead_id)
    form = MoveForm()
    filters = BoardFilterForm(request.args, user=me())
    if not form.validate_on_submit():
        message = next(iter(form.errors.values()))[0]
        return _moved_card(lead, filters, message=message, status=422)
    try:
        outcome = move_card(lead, form.target(), by=me(), expected_version=form.version.data,
                            reason=form.reason_given())
    except DomainError as error:
        db.session.rollback()
        return _moved_card(lead, filters, message=str(error), status=error.status_code)
    if outcome == CONVERT:
        return hx_redirect(url_for("leads.convert", lead_id=lead.id))
    if outcome == NEEDS_REASON:
        return render("leads/_lost_reason.html", status=422, lead=lead, form=form, error=form.missing_reason(),
                         filter_args=filters.url_args())
    db.session.commit()
    return _moved_card(lead, filters)


def _moved_card(lead: Lead, filters: BoardFilterForm, message: str | None = None, status: int = 200):
    """The card as it now is (the board puts it in its stage's column), with every column's total out of band."""
    now = utcnow()
    db.session.refresh(lead)
    counts = stage_counts(me(), filters.criteria(), now)
    return render("leads/_card.html", status=status, card=card_for(lead, now), message=message, counts=counts,
                     filter_args=filters.url_args())
