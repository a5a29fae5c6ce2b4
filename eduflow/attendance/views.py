"""考勤表: the sheet, one-tap marks, 全部出勤, makeup bookings, trial outcomes and the day's lessons."""
from __future__ import annotations

import datetime as dt

from flask import abort, render_template, request
from flask_babel import format_date
from flask_babel import gettext as _
from flask_login import current_user

from eduflow.access import get_or_404, role_required
from eduflow.attendance import bp
from eduflow.attendance.forms import DayForm, MakeupForm, MarkAllForm, MarkForm, TrialForm, first_error
from eduflow.attendance.makeups import book_makeup
from eduflow.attendance.roster import lessons_on, makeup_targets, roster, roster_row, trial_of, trials
from eduflow.attendance.services import (
    MAKEUP_BOOKERS, DebtNotConfirmed, mark_all_present, mark_attendance, mark_trial, school_today, sheet_rules,
)
from eduflow.domain import DomainError
from eduflow.extensions import db
from eduflow.models import AttendanceStatus, Lesson, Role

MARKERS = (Role.ADMIN, Role.MANAGER, Role.ACADEMIC, Role.TEACHER)


def _me():
    return current_user._get_current_object()


def _fragment(template: str, status: int = 200, **context):
    return render_template(template, **context), status, {"Vary": "HX-Request"}


def _sheet_context(lesson: Lesson) -> dict:
    """What every part of the sheet needs to draw itself for the current user."""
    today = school_today()
    booker = _me().role in MAKEUP_BOOKERS
    return {"lesson": lesson, "rules": sheet_rules(lesson, _me(), today), "statuses": list(AttendanceStatus),
            "targets": makeup_targets(lesson, today) if booker else [], "may_book": booker,
            "weekday": format_date(lesson.lesson_date, "EEEE")}


def _row(lesson: Lesson, student_id: int, status: int = 200, **extra):
    """The student's row as it now is, with the sheet's marked count out of band."""
    rows = roster(lesson)
    row = next((row for row in rows if row.student.id == student_id), None)
    if row is None:
        abort(404)
    return _fragment("attendance/_student_row.html", status, row=row, rows=rows, oob_count=True,
                     **_sheet_context(lesson), **extra)


def _on_roster_or_404(lesson: Lesson, student_id: int) -> None:
    """A student who is not (or no longer) on the sheet does not exist for it."""
    row = roster_row(lesson, student_id)
    if row is None or row.former:
        abort(404)


@bp.route("/lessons/<int:lesson_id>/attendance")
@role_required(*MARKERS)
def sheet(lesson_id: int):
    """考勤表: the lesson, its roster with one large button per status, makeups and trial leads."""
    lesson = get_or_404(Lesson, lesson_id)
    return render_template("attendance/sheet.html", rows=roster(lesson), trials=trials(lesson),
                           **_sheet_context(lesson))


@bp.route("/lessons/<int:lesson_id>/attendance/<int:student_id>", methods=["POST"])
@role_required(*MARKERS)
def mark(lesson_id: int, student_id: int):
    """One tap: save the student's mark; answers their row with the new balance, or asks before 欠课时."""
    lesson = get_or_404(Lesson, lesson_id)
    _on_roster_or_404(lesson, student_id)
    form = MarkForm()
    if not form.validate_on_submit():
        return _row(lesson, student_id, 422, row_message=first_error(form))
    try:
        mark_attendance(lesson, student_id, form.chosen(), by=_me(), confirmed=form.confirm.data)
    except DebtNotConfirmed as question:
        return _row(lesson, student_id, owing=question.owing[0])
    except DomainError as error:
        db.session.rollback()
        return _row(lesson, student_id, error.status_code, row_message=str(error))
    db.session.commit()
    return _row(lesson, student_id, saved=True)


@bp.route("/lessons/<int:lesson_id>/attendance/all", methods=["POST"])
@role_required(*MARKERS)
def mark_all(lesson_id: int):
    """全部出勤: everyone still unmarked is marked present; answers the whole roster."""
    lesson = get_or_404(Lesson, lesson_id)
    form, saved, owing, message, status = MarkAllForm(), [], [], None, 200
    if not form.validate_on_submit():
        message, status = _("页面已过期，请刷新页面后重试。"), 422
    else:
        try:
            saved = mark_all_present(lesson, by=_me(), confirmed=form.confirm.data)
            db.session.commit()
            message = None if saved else _("没有未考勤的学员。")
        except DebtNotConfirmed as question:
            owing = question.owing
        except DomainError as error:
            db.session.rollback()
            message, status = str(error), error.status_code
    return _fragment("attendance/_roster.html", status, rows=roster(lesson), trials=trials(lesson),
                     saved_ids=set(saved), owing_all=owing, message=message, **_sheet_context(lesson))


@bp.route("/lessons/<int:lesson_id>/attendance/<int:student_id>/makeup", methods=["POST"], endpoint="book_makeup")
@role_required(*MAKEUP_BOOKERS)
def book_makeup_view(lesson_id: int, student_id: int):
    """补课: book a student marked 请假/缺勤 into an upcoming lesson of the same course."""
    lesson = get_or_404(Lesson, lesson_id)
    _on_roster_or_404(lesson, student_id)
    form = MakeupForm(targets=makeup_targets(lesson, school_today()))
    if not form.validate_on_submit():
        return _row(lesson, student_id, 422, row_message=first_error(form))
    try:
        book_makeup(lesson, student_id, get_or_404(Lesson, form.lesson.data), by=_me())
    except DomainError as error:
        db.session.rollback()
        return _row(lesson, student_id, error.status_code, row_message=str(error))
    db.session.commit()
    return _row(lesson, student_id, saved=True)


@bp.route("/lessons/<int:lesson_id>/attendance/trials/<int:trial_id>", methods=["POST"], endpoint="mark_trial")
@role_required(*MARKERS)
def mark_trial_view(lesson_id: int, trial_id: int):
    """A trial lead's outcome on the sheet: 已到课 or 未到 (no ledger effect)."""
    lesson = get_or_404(Lesson, lesson_id)
    if trial_of(lesson, trial_id) is None:
        abort(404)
    form, message, status = TrialForm(), None, 200
    if not form.validate_on_submit():
        message, status = first_error(form), 422
    else:
        try:
            mark_trial(lesson, trial_id, form.chosen(), by=_me())
            db.session.commit()
        except DomainError as error:
            db.session.rollback()
            message, status = str(error), error.status_code
    return _fragment("attendance/_trial_row.html", status, trial=trial_of(lesson, trial_id), trial_message=message,
                     saved=status == 200, **_sheet_context(lesson))


@bp.route("/today")
@role_required(*MARKERS)
def today():
    """今日课程: a teacher's own lessons of the day, or the campus's for academic staff and managers."""
    form = DayForm(request.args)
    day = form.day.data if form.validate() and form.day.data else school_today()
    return render_template("attendance/today.html", day=day, lessons=lessons_on(_me(), day),
                           weekday=format_date(day, "EEEE"), is_today=day == school_today(),
                           previous_day=day - dt.timedelta(days=1), next_day=day + dt.timedelta(days=1))
