"""请假 on the parent side: the form for one lesson of one child, asking and withdrawing. With htmx the lesson's
actions in the timetable are answered in place (templates/parents/_lesson_actions.html); without JS the form is a
page of its own and each POST leads back to the timetable."""
from __future__ import annotations

from flask import abort, current_app, flash, redirect, request, url_for
from flask_babel import gettext as _

from eduflow.access import get_or_404
from eduflow.attendance.leave import ask_leave, leave_window, withdraw_leave
from eduflow.converters import as_id
from eduflow.htmx import is_htmx
from eduflow.models import LeaveRequest, Lesson, Student
from eduflow.parents import bp
from eduflow.parents.access import parent_required
from eduflow.parents.forms_leave import LeaveForm, WithdrawForm
from eduflow.parents.leave import forget_states
from eduflow.web import me, render, submit


def back_to_timetable() -> str:
    """Where a POST without JS leads: the timetable (the home page until it exists)."""
    return url_for("parent.timetable" if "parent.timetable" in current_app.view_functions else "parent.home")


def child_lesson(lesson_id: int) -> tuple[Lesson, Student]:
    """The lesson and the child (?student=) in the parent's scope; anything else does not exist (404)."""
    student_id = as_id(request.args.get("student"))
    if student_id is None:
        abort(404)
    return get_or_404(Lesson, lesson_id), get_or_404(Student, student_id)


def lesson_actions(lesson: Lesson, student: Student, *, status: int = 200, message: str | None = None,
                   saved: str | None = None):
    """The lesson's actions for the child as they now are (the htmx answer of every leave POST)."""
    forget_states()
    return render("parents/_lesson_actions.html", status=status, lesson=lesson, student=student, message=message,
                  saved=saved, standalone=True)


def _form_page(lesson: Lesson, student: Student, form, status: int = 200, message: str | None = None):
    return render("parents/leave.html", "parents/_leave_form.html", status=status, lesson=lesson, student=student,
                  form=form, window=leave_window(lesson), message=message, back_url=back_to_timetable())


@bp.route("/p/lessons/<int:lesson_id>/leave", methods=["GET", "POST"], endpoint="ask_leave")
@parent_required
def ask_leave_view(lesson_id: int):
    """请假: a reason for one lesson of one child; it pre-marks 请假 on the teacher's sheet."""
    lesson, student = child_lesson(lesson_id)
    form = LeaveForm()
    if not form.is_submitted():
        return _form_page(lesson, student, form)
    done = submit(form, lambda: ask_leave(me(), lesson, student, form.reason.data),
                  conflict=_("已经为这节课请过假了。"), field="reason")
    if not done:
        return _form_page(lesson, student, form, done.status)
    if is_htmx():
        return lesson_actions(lesson, student, saved=_("已请假，老师会在考勤表上看到。"))
    flash(_("已为%(name)s请假。", name=student.name), "success")
    return redirect(back_to_timetable())


@bp.route("/p/leave/<int:request_id>/withdraw", methods=["POST"], endpoint="withdraw_leave")
@parent_required
def withdraw_leave_view(request_id: int):
    """撤回请假 before the cutoff: the pre-mark goes from the sheet."""
    leave = get_or_404(LeaveRequest, request_id)
    lesson, student = leave.lesson, leave.student
    done = submit(WithdrawForm(), lambda: withdraw_leave(me(), leave))
    status = 200 if done else done.status
    message = None if done else (done.message or _("页面已过期，请刷新页面后重试。"))
    if is_htmx():
        return lesson_actions(lesson, student, status=status, message=message,
                              saved=_("已撤回请假。") if done else None)
    if done:
        flash(_("已撤回%(name)s的请假。", name=student.name), "success")
        return redirect(back_to_timetable())
    return render("parents/leave.html", status=status, lesson=lesson, student=student, form=None,
                  window=leave_window(lesson), message=message, back_url=back_to_timetable())
