"""考勤表: the sheet, one-tap marks, 全部出勤, makeup bookings, trial outcomes and the day's lessons."""
from __future__ import annotations

import datetime as dt

from flask import abort, g, render_template, request
from flask_babel import format_date
from flask_babel import gettext as _

from eduflow.access import MARKERS, SCHOOL_OFFICE, get_or_404, may_book_makeups, role_required
from eduflow.attendance import bp
from eduflow.attendance.forms import DayForm, MakeupForm, MarkAllForm, MarkForm, TrialForm, first_error
from eduflow.attendance.makeups import book_makeup
from eduflow.attendance.leave_lists import SheetLeaveNotes
from eduflow.attendance.roster import (
    Sheet, lesson_and_settings, lessons_on, load_sheet, makeup_targets, trial_of, trials,
)
from eduflow.attendance.services import (
    DebtNotConfirmed, NotOnRoster, SheetRules, mark_everyone, mark_trial, school_today, sheet_rules, tap,
)
from eduflow.domain import DomainError
from eduflow.extensions import db
from eduflow.models import AttendanceStatus, Lesson
from eduflow.web import me, render


class _Targets:
    """The makeup targets, read only when a row offers a booking (most answers draw none)."""

    def __init__(self, lesson: Lesson, today: dt.date):
        self.lesson, self.today, self.found = lesson, today, None

    def _all(self) -> list[Lesson]:
        if self.found is None:
            self.found = makeup_targets(self.lesson, self.today)
        return self.found

    def __iter__(self):
        return iter(self._all())

    def __bool__(self) -> bool:
        return bool(self._all())


def _lesson_or_404(lesson_id: int) -> tuple[Lesson, SheetRules]:
    """The lesson in scope with what its sheet draws (class, course, teacher, room) and the rules for the user;
    whether trial leads are booked into it is kept for `_trials`, so a sheet without any asks for none."""
    lesson, settings, has_trials = lesson_and_settings(lesson_id, me())
    g.sheet_has_trials = has_trials
    return lesson, sheet_rules(lesson, me(), school_today(), settings)


def _trials(lesson: Lesson) -> list:
    """The trial leads of the sheet's lesson (no statement when the lesson's own query found none)."""
    return trials(lesson) if g.get("sheet_has_trials", True) else []


def _sheet_context(lesson: Lesson, rules: SheetRules) -> dict:
    """What every part of the sheet needs to draw itself for the current user."""
    booker = may_book_makeups(me())
    # Each status's label and whether its button is enabled, worked out once for every row the answer draws.
    statuses = [(status, status.label, rules.allows(status)) for status in AttendanceStatus]
    return {"lesson": lesson, "rules": rules, "statuses": statuses,
            "status_labels": {status: label for status, label, _allowed in statuses},
            "targets": _Targets(lesson, school_today()) if booker else [], "may_book": booker,
            "weekday": format_date(lesson.lesson_date, "EEEE"), "leave_notes": SheetLeaveNotes(lesson)}


def _row(sheet: Sheet, rules: SheetRules, student_id: int, status: int = 200, **extra):
    """The student's row as it now is, with the sheet's marked count out of band."""
    row = sheet.row_of(student_id)
    if row is None:
        abort(404)
    return render("attendance/_student_row.html", status=status, row=row, rows=sheet.rows, oob_count=True,
                     **_sheet_context(sheet.lesson, rules), **extra)


def _on_roster(sheet: Sheet, student_id: int) -> Sheet:
    """A student who is not (or no longer) on the sheet does not exist for it."""
    row = sheet.row_of(student_id)
    if row is None or row.former:
        abort(404)
    return sheet


@bp.route("/lessons/<int:lesson_id>/attendance")
@role_required(*MARKERS)
def sheet(lesson_id: int):
    """考勤表: the lesson, its roster with one large button per status, makeups and trial leads."""
    lesson, rules = _lesson_or_404(lesson_id)
    return render_template("attendance/sheet.html", rows=load_sheet(lesson).rows, trials=_trials(lesson),
                           **_sheet_context(lesson, rules))


@bp.route("/lessons/<int:lesson_id>/attendance/<int:student_id>", methods=["POST"])
@role_required(*MARKERS)
def mark(lesson_id: int, student_id: int):
    """One tap: save the student's mark; answers their row with the new balance, or asks before 欠课时.
    The answer is drawn from the sheet the tap read and wrote, before the commit (which then sends nothing)."""
    lesson, rules = _lesson_or_404(lesson_id)
    form = MarkForm()
    if not form.validate_on_submit():
        return _row(_on_roster(load_sheet(lesson), student_id), rules, student_id, 422, row_message=first_error(form))
    try:
        marked, _mark = tap(lesson, student_id, form.chosen(), by=me(), rules=rules, confirmed=form.confirm.data)
    except DebtNotConfirmed as question:
        answer = _row(question.sheet, rules, student_id, owing=question.owing[0])
        db.session.rollback()
        return answer
    except NotOnRoster:
        db.session.rollback()
        abort(404)
    except DomainError as error:
        db.session.rollback()
        return _row(load_sheet(lesson), rules, student_id, error.status_code, row_message=str(error))
    answer = _row(marked, rules, student_id, saved=True)
    db.session.commit()
    return answer


@bp.route("/lessons/<int:lesson_id>/attendance/all", methods=["POST"])
@role_required(*MARKERS)
def mark_all(lesson_id: int):
    """全部出勤: everyone still unmarked is marked present; answers the whole roster (drawn before the commit)."""
    lesson, rules = _lesson_or_404(lesson_id)
    form, saved, owing, message, status, commit = MarkAllForm(), [], [], None, 200, False
    if not form.validate_on_submit():
        message, status, sheet_now = _("页面已过期，请刷新页面后重试。"), 422, None
    else:
        try:
            sheet_now, saved = mark_everyone(lesson, by=me(), rules=rules, confirmed=form.confirm.data)
            message, commit = None if saved else _("没有未考勤的学员。"), True
        except DebtNotConfirmed as question:
            sheet_now, owing = question.sheet, question.owing
        except DomainError as error:
            db.session.rollback()
            sheet_now, message, status = None, str(error), error.status_code
    answer = render("attendance/_roster.html", status=status, rows=(sheet_now or load_sheet(lesson)).rows,
                       trials=_trials(lesson), saved_ids=set(saved), owing_all=owing, message=message,
                       **_sheet_context(lesson, rules))
    if commit:
        db.session.commit()
    else:
        db.session.rollback()
    return answer


@bp.route("/lessons/<int:lesson_id>/attendance/<int:student_id>/makeup", methods=["POST"], endpoint="book_makeup")
@role_required(*SCHOOL_OFFICE)
def book_makeup_view(lesson_id: int, student_id: int):
    """补课: book a student marked 请假/缺勤 into an upcoming lesson of the same course."""
    lesson, rules = _lesson_or_404(lesson_id)
    _on_roster(load_sheet(lesson), student_id)
    form = MakeupForm(targets=makeup_targets(lesson, school_today()))
    if not form.validate_on_submit():
        return _row(load_sheet(lesson), rules, student_id, 422, row_message=first_error(form))
    try:
        book_makeup(lesson, student_id, get_or_404(Lesson, form.lesson.data), by=me())
    except DomainError as error:
        db.session.rollback()
        return _row(load_sheet(lesson), rules, student_id, error.status_code, row_message=str(error))
    db.session.commit()
    return _row(load_sheet(lesson), rules, student_id, saved=True)


@bp.route("/lessons/<int:lesson_id>/attendance/trials/<int:trial_id>", methods=["POST"], endpoint="mark_trial")
@role_required(*MARKERS)
def mark_trial_view(lesson_id: int, trial_id: int):
    """A trial lead's outcome on the sheet: 已到课 or 未到 (no ledger effect)."""
    lesson, rules = _lesson_or_404(lesson_id)
    if trial_of(lesson, trial_id) is None:
        abort(404)
    form, message, status = TrialForm(), None, 200
    if not form.validate_on_submit():
        message, status = first_error(form), 422
    else:
        try:
            mark_trial(lesson, trial_id, form.chosen(), by=me(), rules=rules)
            db.session.commit()
        except DomainError as error:
            db.session.rollback()
            message, status = str(error), error.status_code
    return render("attendance/_trial_row.html", status=status, trial=trial_of(lesson, trial_id), trial_message=message,
                     saved=status == 200, **_sheet_context(lesson, rules))


@bp.route("/today")
@role_required(*MARKERS)
def today():
    """今日课程: a teacher's own lessons of the day, or the campus's for academic staff and managers."""
    form = DayForm(request.args)
    day = form.day.data if form.validate() and form.day.data else school_today()
    return render_template("attendance/today.html", day=day, lessons=lessons_on(me(), day),
                           weekday=format_date(day, "EEEE"), is_today=day == school_today(),
                           previous_day=day - dt.timedelta(days=1), next_day=day + dt.timedelta(days=1))
