"""The week timetable (课表) of a campus, a teacher or a classroom."""
from __future__ import annotations

from flask import abort, request

from eduflow.access import EVERYONE, may_open, role_required
from eduflow.schedule import bp
from eduflow.schedule.forms import VIEW_LABELS, WEEKDAYS, TimetableForm
from eduflow.schedule.services import school_today
from eduflow.schedule.timetable import (
    VIEWS, build_week, course_colour, default_view, find_subject, monday_of, subject_label, subjects,
    week_lessons,
)
from eduflow.web import me, render


@bp.route("/timetable")
@role_required(*EVERYONE)
def timetable():
    """课表: one week, Monday to Sunday; ?week=any date in it, view=campus|teacher|classroom, id=whose week."""
    user = me()
    form = TimetableForm(request.args)
    problems = form.problems()
    view = form.view.data if form.view.data in VIEWS and not form.view.errors else default_view(user)
    ident = None if form.id.errors else form.id.data
    subject = find_subject(user, view, ident)
    if ident is not None and subject is None:
        abort(404)
    today = school_today()
    monday = monday_of(form.week.data if form.week.data and not form.week.errors else today)
    week = build_week(monday, week_lessons(user, view, subject, monday))
    choices = [(record.id, subject_label(user, record)) for record in subjects(user, view)]
    return render("schedule/timetable.html", "schedule/_week.html", week=week, view=view, views=VIEW_LABELS,
                  subject=subject, choices=choices, problems=problems, today=today, colour=course_colour,
                  weekday_names=dict(WEEKDAYS), has_sheet=may_open("attendance.sheet"))
