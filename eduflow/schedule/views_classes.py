"""Classes (班级) and their lessons: the list, the class page, class and lesson forms, weekly patterns, moves.

Everyone may look (in their scope; sales and teachers read only); admins, managers and academic staff
manage the classes and lessons of their campus.
"""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from eduflow.access import EVERYONE, SCHOOL_OFFICE, get_or_404, in_roles, may_open, role_required
from eduflow.extensions import db
from eduflow.htmx import is_htmx
from eduflow.models import ClassGroup, Lesson
from eduflow.pagination import paginate
from eduflow.schedule import bp
from eduflow.schedule.forms import (
    WEEKDAYS, ClassFilterForm, ClassForm, DeleteForm, LessonForm, LessonMoveForm, PatternForm,
)
from eduflow.schedule.services import (
    ClashError, create_class, create_lesson, create_pattern, delete_lesson, move_lesson, school_today, update_class,
)
from eduflow.enrollments.creation import head_counts
from eduflow.schedule.timetable import class_lessons, class_roster, filtered_classes
from eduflow.web import Outcome, me, removed, render, submit

PAST_PER_PAGE = 20


def _links() -> dict:
    """What the templates may link to: managing rights, and the colleagues' pages the user's role may open."""
    return {"can_manage": in_roles(me(), SCHOOL_OFFICE), "weekday_names": dict(WEEKDAYS),
            "has_sheet": may_open("attendance.sheet"), "has_student": may_open("students.detail")}


def _form_page(template: str, form, done: Outcome, **context):
    """A form page: 422 (or the refusal's own status) when a submitted form was not saved; a clash names the
    lessons it clashes with."""
    clash = done.error if isinstance(done.error, ClashError) else None
    return render(template, status=done.status if form.is_submitted() else 200, form=form,
                  clash=clash, **context)


def _to_class(class_group: ClassGroup, message: str):
    flash(message, "success")
    return redirect(url_for("schedule.class_detail", class_id=class_group.id))


@bp.route("/classes")
@role_required(*EVERYONE)
def classes():
    """班级: the classes in scope with head count / capacity, filtered by campus, course, head teacher, status."""
    filters = ClassFilterForm(request.args, user=me())
    page = paginate(filtered_classes(me(), filters.criteria(), school_today()))
    counts = head_counts([class_group.id for class_group in page.items])
    return render_template("schedule/classes.html", filters=filters, page=page, counts=counts, **_links())


@bp.route("/classes/new", methods=["GET", "POST"])
@role_required(*SCHOOL_OFFICE)
def class_new():
    """Open a class on the user's campus (an admin picks the campus)."""
    form = ClassForm(user=me())
    done = submit(form, lambda: create_class(form.details()))
    if done:
        return _to_class(done.result, _("已创建班级 %(name)s。", name=done.result.name))
    return _form_page("schedule/class_form.html", form, done, title=_("新建班级"), class_group=None)


@bp.route("/classes/<int:class_id>/edit", methods=["GET", "POST"])
@role_required(*SCHOOL_OFFICE)
def class_edit(class_id: int):
    """Edit a class; its capacity never drops below its head count."""
    class_group = get_or_404(ClassGroup, class_id)
    form = ClassForm(user=me(), record=class_group)
    done = submit(form, lambda: update_class(class_group, form.details()))
    if done:
        return _to_class(class_group, _("已保存班级 %(name)s。", name=class_group.name))
    return _form_page("schedule/class_form.html", form, done, title=_("编辑班级"), class_group=class_group)


@bp.route("/classes/<int:class_id>")
@role_required(*EVERYONE)
def class_detail(class_id: int):
    """The class page: its settings, roster and lessons (upcoming first, past ones paged below)."""
    class_group = get_or_404(ClassGroup, class_id)
    today = school_today()
    roster = class_roster(class_group, me())
    count = head_counts([class_group.id])[class_group.id]
    upcoming = db.session.scalars(class_lessons(class_group, me(), today, past=False)).unique().all()
    past = paginate(class_lessons(class_group, me(), today, past=True), per_page=PAST_PER_PAGE)
    return render_template("schedule/class_detail.html", class_group=class_group, roster=roster, count=count,
                           upcoming=upcoming, past=past, today=today, delete_form=DeleteForm(), **_links())


@bp.route("/classes/<int:class_id>/lessons/new", methods=["GET", "POST"])
@role_required(*SCHOOL_OFFICE)
def lesson_new(class_id: int):
    """Add one lesson; a double-booked teacher, classroom or class is refused, naming the other lesson."""
    class_group = get_or_404(ClassGroup, class_id)
    form = LessonForm(class_group=class_group)
    done = submit(form, lambda: create_lesson(class_group, form.lesson_date.data, form.plan()))
    if done:
        return _to_class(class_group, _("已添加 %(date)s 的课节。", date=done.result.lesson_date.isoformat()))
    return _form_page("schedule/lesson_form.html", form, done, class_group=class_group, lesson=None)


@bp.route("/classes/<int:class_id>/lessons/pattern", methods=["GET", "POST"])
@role_required(*SCHOOL_OFFICE)
def lesson_pattern(class_id: int):
    """按周排课: weekdays and times between two dates; all lessons or, on any clash, none."""
    class_group = get_or_404(ClassGroup, class_id)
    form = PatternForm(class_group=class_group)
    done = submit(form, lambda: create_pattern(class_group, set(form.weekdays.data), form.first_day.data,
                                               form.last_day.data, form.plan()))
    if done:
        return _to_class(class_group, _("已生成 %(n)s 节课。", n=len(done.result)))
    return _form_page("schedule/pattern_form.html", form, done, class_group=class_group)


@bp.route("/lessons/<int:lesson_id>/edit", methods=["GET", "POST"])
@role_required(*SCHOOL_OFFICE)
def lesson_edit(lesson_id: int):
    """调课: move a lesson to another date, time, teacher or classroom, under the same clash rule."""
    lesson = get_or_404(Lesson, lesson_id)
    form = LessonMoveForm(class_group=lesson.class_group, lesson=lesson)
    done = submit(form, lambda: move_lesson(lesson, form.lesson_date.data, form.plan()))
    if done:
        return _to_class(lesson.class_group, _("已调整 %(date)s 的课节。", date=lesson.lesson_date.isoformat()))
    return _form_page("schedule/lesson_form.html", form, done, class_group=lesson.class_group, lesson=lesson)


@bp.route("/lessons/<int:lesson_id>/delete", methods=["POST"])
@role_required(*SCHOOL_OFFICE)
def lesson_delete(lesson_id: int):
    """Delete a lesson nobody has used (no attendance, trial, makeup); htmx removes its row."""
    lesson = get_or_404(Lesson, lesson_id)
    class_group = lesson.class_group
    form = DeleteForm()
    if not form.validate_on_submit():
        abort(400)
    done = submit(form, lambda: delete_lesson(lesson), validate=False)
    if is_htmx():
        if done:
            return removed()
        return render("schedule/_lesson_row.html", status=done.status, lesson=lesson, message=done.message,
                      today=school_today(), delete_form=form, **_links())
    flash(done.message or _("已删除课节。"), "success" if done else "danger")
    return redirect(url_for("schedule.class_detail", class_id=class_group.id))
