"""The lead page (线索详情): header, six-speed sheet edited in place as one form, follow-up timeline, trial lessons.

Whoever may see the lead (access.get_or_404) may work it: its owner, their campus manager, an admin;
managers and admins may also record work on a pool lead before handing it out.
"""
from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from eduflow.access import SALES_SIDE, get_or_404, may_see_full_phone, role_required
from eduflow.htmx import is_htmx
from eduflow.followups import FollowUpForm
from eduflow.leads import bp
from eduflow.leads.followups import add_lead_follow_up
from eduflow.domain import DomainError
from eduflow.extensions import db
from eduflow.leads.board import CONVERT, NEEDS_REASON, STAGE_TARGETS, move_card
from eduflow.leads.forms_board import MoveForm, ReleaseForm
from eduflow.leads.forms_detail import SixSpeedForm, TrialBookingForm, TrialStatusForm, lesson_label, logged_value
from eduflow.leads.sixspeed import FIELDS, SHEET_CHANGED, update_six_speed
from eduflow.leads.stages import OPEN_STAGES
from eduflow.leads.timeline import lead_timeline, parse_cursor
from eduflow.leads.trials import (
    book_trial as book_trial_for, bookable_lessons, lead_trials, school_today, set_trial_status, trial_of,
)
from eduflow.leads.conversion import conversion_blocker
from eduflow.models import Lead, TrialStatus
from eduflow.web import link_to, me, render, submit

TIMELINE_CHANGED, LEAD_CHANGED = "timeline-changed", "lead-changed"
CHANGED_MEANWHILE = _l("该线索刚被他人修改，请刷新页面后重试。")  # a concurrent write: the version, a unique index


def _header_context(lead: Lead) -> dict:
    release_form = None
    if lead.owner_id is not None and link_to("leads.release", lead_id=lead.id):
        release_form = ReleaseForm(formdata=None)
    return {
        "full_phone": may_see_full_phone(lead),
        "edit_url": link_to("leads.edit", lead_id=lead.id),
        "convert_url": None if conversion_blocker(lead) else link_to("leads.convert", lead_id=lead.id),
        "release_form": release_form,
        "student_url": _student_url(lead),
        "stage_targets": STAGE_TARGETS[lead.stage],
    }


def _student_url(lead: Lead) -> str | None:
    if lead.converted_student_id is None:
        return None
    return link_to("students.detail", student_id=lead.converted_student_id)


def _timeline_context(lead: Lead, before=None) -> dict:
    items, cursor = lead_timeline(lead.id, before=before)
    return {"items": items, "cursor": cursor, "first_page": before is None, "field_labels": FIELDS,
            "logged_value": logged_value, "lesson_label": lesson_label, "student_url": _student_url(lead)}


def _trials_context(lead: Lead, booking_form: TrialBookingForm | None = None, message: str | None = None,
                    ok: bool = False) -> dict:
    form = booking_form or TrialBookingForm(formdata=None, lessons=bookable_lessons(lead))
    return {"trials": lead_trials(lead), "booking_form": form, "status_form": TrialStatusForm(formdata=None),
            "trial_message": message, "trial_ok": ok, "can_book": lead.stage in OPEN_STAGES,
            "today": school_today(), "lesson_label": lesson_label, "TrialStatus": TrialStatus}


def _page(lead: Lead, status: int = 200, **overrides):
    """The whole lead page; `overrides` carry a form with the user's input and errors."""
    context = {"lead": lead, "followup_form": FollowUpForm(formdata=None),
               "six_speed_form": SixSpeedForm(formdata=None, sheet=lead.six_speed),
               **_header_context(lead), **_timeline_context(lead), **_trials_context(lead)}
    context.update(overrides)
    return render("leads/detail.html", status=status, **context)


def _answer(lead: Lead, fragment: str, status: int = 200, trigger: str | None = None, **context):
    """htmx gets the fragment; a plain browser gets the page, or goes back to it after a POST that worked."""
    if is_htmx():
        return render(fragment, status=status, trigger=trigger, lead=lead, **context)
    if request.method == "POST" and status < 400:
        return redirect(url_for("leads.detail", lead_id=lead.id))
    return _page(lead, status, **context)


@bp.route("/<int:lead_id>")
@role_required(*SALES_SIDE)
def detail(lead_id: int):
    """线索详情: header, quick-add and timeline, six-speed sheet, trial lessons."""
    return _page(get_or_404(Lead, lead_id))


@bp.route("/<int:lead_id>/stage", methods=["POST"])
@role_required(*SALES_SIDE)
def change_stage(lead_id: int):
    """The header's stage menu: the move a board drop makes (its rules, the lost reason asked here, the conversion
    form, the version the page was drawn with); back to the page, or the page with the reason or the refusal."""
    lead = get_or_404(Lead, lead_id)
    form = MoveForm()
    if not form.validate_on_submit():
        return _page(lead, 422, stage_message=next(iter(form.errors.values()))[0])
    try:
        outcome = move_card(lead, form.target(), by=me(), expected_version=form.version.data,
                            reason=form.reason_given())
    except DomainError as error:
        db.session.rollback()
        return _page(get_or_404(Lead, lead_id), error.status_code, stage_message=str(error))
    if outcome == CONVERT:
        return redirect(url_for("leads.convert", lead_id=lead.id))
    if outcome == NEEDS_REASON:
        return _page(lead, 422, lost_form=form, lost_error=form.missing_reason())
    db.session.commit()
    flash(_("已移到“%(stage)s”。", stage=lead.stage.label), "success")
    return redirect(url_for("leads.detail", lead_id=lead.id))


@bp.route("/<int:lead_id>/six-speed", methods=["GET", "POST"])
@role_required(*SALES_SIDE)
def six_speed(lead_id: int):
    """The six-speed sheet: GET shows it as stored; POST saves every field at once on the version the form was
    loaded with (a sheet saved meanwhile: 409, the typed values kept) and logs each changed field."""
    lead = get_or_404(Lead, lead_id)
    if request.method == "GET":
        return _answer(lead, "leads/_sixspeed_edit.html", six_speed_form=SixSpeedForm(formdata=None,
                                                                                      sheet=lead.six_speed))
    form = SixSpeedForm()
    done = submit(form, lambda: update_six_speed(lead, form.changes(), by=me(), expected_version=form.version.data),
                  stale=SHEET_CHANGED, conflict=SHEET_CHANGED)
    if not done:
        return _answer(get_or_404(Lead, lead_id), "leads/_sixspeed_edit.html", done.status, six_speed_form=form,
                       six_speed_stale=done.status == 409)
    if not is_htmx():
        flash(_("六速表已保存。"), "success")
    return _answer(lead, "leads/_sixspeed_edit.html", trigger=TIMELINE_CHANGED if done.result else None,
                   six_speed_form=SixSpeedForm(formdata=None, sheet=lead.six_speed), six_speed_saved=len(done.result))


@bp.route("/<int:lead_id>/timeline")
@role_required(*SALES_SIDE)
def timeline(lead_id: int):
    """The timeline's first page, or (?before=<cursor>) the next older page."""
    lead = get_or_404(Lead, lead_id)
    before = request.args.get("before")
    cursor = parse_cursor(before) if before else None
    if before and cursor is None:
        abort(404)
    return _answer(lead, "leads/_timeline_page.html", **_timeline_context(lead, cursor))


@bp.route("/<int:lead_id>/follow-ups", methods=["POST"])
@role_required(*SALES_SIDE)
def add_follow_up(lead_id: int):
    """Quick-add a follow-up: the form comes back empty, the timeline and the header refresh themselves."""
    lead = get_or_404(Lead, lead_id)
    form = FollowUpForm()
    done = submit(form, lambda: add_lead_follow_up(lead, by=me(), **form.values()), conflict=CHANGED_MEANWHILE)
    if not done:
        return _answer(get_or_404(Lead, lead_id), "leads/_followup_form.html", done.status, followup_form=form)
    if not is_htmx():
        flash(_("已添加跟进记录。"), "success")
    return _answer(lead, "leads/_followup_form.html", trigger=f"{TIMELINE_CHANGED}, {LEAD_CHANGED}",
                   followup_form=FollowUpForm(formdata=None), followup_saved=True)


@bp.route("/<int:lead_id>/trials", methods=["POST"])
@role_required(*SALES_SIDE)
def book_trial(lead_id: int):
    """Book the lead into an upcoming lesson of an intended course (试听)."""
    lead = get_or_404(Lead, lead_id)
    form = TrialBookingForm(lessons=bookable_lessons(lead))
    done = submit(form, lambda: book_trial_for(lead, form.lesson.data, by=me()), conflict=_("该线索已预约过这节课。"))
    if not done:
        return _trials_answer(get_or_404(Lead, lead_id), done.status, booking_form=form)
    return _trials_answer(lead, trigger=TIMELINE_CHANGED, message=_("已预约试听。"), ok=True)


@bp.route("/<int:lead_id>/trials/<int:trial_id>/status", methods=["POST"])
@role_required(*SALES_SIDE)
def trial_status(lead_id: int, trial_id: int):
    """Mark one of the lead's trials attended, no-show, or booked again."""
    lead = get_or_404(Lead, lead_id)
    trial = trial_of(lead, trial_id)
    if trial is None:
        abort(404)
    form = TrialStatusForm()
    if not form.validate_on_submit():
        return _trials_answer(lead, 422, message=next(iter(form.errors.values()))[0])
    done = submit(form, lambda: set_trial_status(trial, form.status.data), conflict=CHANGED_MEANWHILE, validate=False)
    if not done:
        return _trials_answer(get_or_404(Lead, lead_id), done.status, message=done.message)
    return _trials_answer(lead, trigger=TIMELINE_CHANGED)


def _trials_answer(lead: Lead, status: int = 200, trigger: str | None = None, booking_form=None,
                   message: str | None = None, ok: bool = False):
    return _answer(lead, "leads/_trials.html", status, trigger, **_trials_context(lead, booking_form, message, ok))
