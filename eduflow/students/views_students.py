"""Students and parents in the browser: the list, the student page, create/edit, parents, follow-ups."""
from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from flask_babel import gettext as _

from eduflow.attendance.leave_lists import student_requests
from eduflow.access import (
    EVERYONE, STUDENT_WRITERS, get_or_404, in_roles, is_admin, may_see_full_phone, may_see_id_card, role_required,
)
from eduflow.extensions import db
from eduflow.followups import FollowUpForm, record_follow_up
from eduflow.forms import ButtonForm
from eduflow.htmx import is_htmx
from eduflow.models import Enrollment, Parent, Student
from eduflow.notifications.history import reason, recipients, student_messages
from eduflow.pagination import paginate
from eduflow.security.idcard import mask_id_card
from eduflow.students import bp
from eduflow.students.forms import (
    NewStudentForm, ParentForm, StudentFilterForm, StudentForm, TimelineForm,
)
from eduflow.students.queries import (
    attendance_history, enrollment_rows, filtered_students, ledger_lines, list_summaries,
)
from eduflow.i18n import school_today
from eduflow.students.suspensions import suspension_open
from eduflow.students.services import (
    add_parent, create_student, make_primary,
    remove_parent, update_parent, update_student,
)
from eduflow.students.timeline import student_timeline
from eduflow.web import go, link_to, me, render, submit

ATTENDANCE_PAGE = 10
MESSAGES_PAGE = 10


def _student(student_id: int) -> Student:
    return get_or_404(Student, student_id)


@bp.context_processor
def _links() -> dict:
    return {"link_to": link_to}


def _hidden(student: Student) -> tuple[str, ...]:
    """Contact fields the user may not read in full: the form leaves them blank (blank keeps them)."""
    hidden = () if may_see_full_phone(student) else ("phone", "email")
    return hidden + (() if may_see_id_card(student, me()) else ("id_card",))


# ---------- list ----------

@bp.route("")
@role_required(*EVERYONE)
def index():
    """学员: the students in the user's scope, filtered, searched and paged; htmx gets the rows only."""
    filters = StudentFilterForm(request.args, user=me())
    page = paginate(filtered_students(me(), filters.criteria()))
    summaries = list_summaries([s.id for s in page.items])
    return render("students/list.html", "students/_rows.html", filters=filters, page=page, summaries=summaries,
                  can_create=in_roles(me(), STUDENT_WRITERS), show_campus=is_admin(me()))


# ---------- the student page ----------

def _timeline_context(student: Student, form: FollowUpForm | None = None, cursor=None) -> dict:
    items, next_cursor = student_timeline(student.id, me(), cursor)
    can_follow_up = in_roles(me(), STUDENT_WRITERS)
    return {"student": student, "items": items, "next_cursor": next_cursor,
            "follow_up_form": (form or FollowUpForm(formdata=None)) if can_follow_up else None}


def _parents_context(student: Student, form: ParentForm | None = None, message: str | None = None) -> dict:
    can_edit = in_roles(me(), STUDENT_WRITERS)
    return {"student": student, "parents": list(student.parents), "can_edit": can_edit,
            "show_phone": may_see_full_phone(student), "parent_message": message,
            "parent_form": (form or ParentForm(formdata=None)) if can_edit else None}


@bp.route("/<int:student_id>")
@role_required(*EVERYONE)
def detail(student_id: int):
    """The student page: profile, parents, enrolments with balances, attendance, timeline, reviews."""
    student = _student(student_id)
    attendance = paginate(attendance_history(student.id, me()), per_page=ATTENDANCE_PAGE)
    attendance.args = {**attendance.args, "student_id": student.id}
    context = {**_parents_context(student), **_timeline_context(student)}
    return render("students/detail.html", None, enrollments=enrollment_rows(student.id), attendance=attendance,
                  show_id_card=may_see_id_card(student, me()), id_card_masked=mask_id_card(student.id_card),
                  suspension_open=suspension_open(student, school_today()),
                  leave_requests=student_requests(student, me()), **context)


@bp.route("/<int:student_id>/enrollments/<int:enrollment_id>/ledger")
@role_required(*EVERYONE)
def ledger(student_id: int, enrollment_id: int):
    """课时流水 of one enrolment, line by line: why each lesson was deducted (loaded on demand)."""
    student = _student(student_id)
    enrollment = get_or_404(Enrollment, enrollment_id)
    if enrollment.student_id != student.id:
        abort(404)
    return render("students/ledger.html", "students/_ledger.html", student=student, enrollment=enrollment,
                  lines=ledger_lines(enrollment.id))


@bp.route("/<int:student_id>/messages")
@role_required(*EVERYONE)
def messages(student_id: int):
    """通知记录: every message sent about the student, newest first, a page at a time (loaded on demand)."""
    student = _student(student_id)
    page = paginate(student_messages(student.id), per_page=MESSAGES_PAGE)
    page.args = {**page.args, "student_id": student.id}
    return render("students/messages.html", "students/_messages.html", student=student, page=page,
                  recipients=recipients(page.items), reason=reason)


@bp.route("/<int:student_id>/timeline")
@role_required(*EVERYONE)
def timeline(student_id: int):
    """Older timeline entries, after the cursor the previous page ended on."""
    student = _student(student_id)
    form = TimelineForm(request.args)
    if not form.validate():
        abort(404)
    context = _timeline_context(student, cursor=form.cursor())
    return render("students/timeline.html", "students/_timeline_items.html", **context)


@bp.route("/<int:student_id>/follow-ups", methods=["POST"])
@role_required(*STUDENT_WRITERS)
def add_follow_up(student_id: int):
    """Quick-add follow-up: the timeline comes back with the new entry on top and an empty form."""
    student = _student(student_id)
    form = FollowUpForm()
    if submit(form, lambda: record_follow_up(student, by=me(), **form.values())):
        if not is_htmx():
            flash(_("已添加跟进记录。"), "success")
            return redirect(url_for("students.detail", student_id=student.id, _anchor="timeline"))
        return render("students/timeline.html", "students/_timeline.html", **_timeline_context(student))
    return render("students/timeline.html", "students/_timeline.html", status=422, **_timeline_context(student, form))


# ---------- create and edit ----------

def _form_page(form, student: Student | None, title: str):
    return render("students/form.html", None, status=422 if form.is_submitted() else 200, form=form, student=student,
                  title=title)


@bp.route("/new", methods=["GET", "POST"])
@role_required(*STUDENT_WRITERS)
def new():
    """New student with their first parent (the primary contact)."""
    form = NewStudentForm(user=me())
    created = []
    if submit(form, lambda: created.append(create_student(by=me(), campus_id=form.campus(), status=form.status.data,
                                                         parent=form.parent(), **form.values()))):
        flash(_("已创建学员 %(name)s。", name=created[0].name), "success")
        return redirect(url_for("students.detail", student_id=created[0].id))
    return _form_page(form, None, _("新建学员"))


@bp.route("/<int:student_id>/edit", methods=["GET", "POST"])
@role_required(*STUDENT_WRITERS)
def edit(student_id: int):
    """Edit a student's profile; the status changes only through the approval flow."""
    student = _student(student_id)
    form = StudentForm(user=me(), student=student, hidden=_hidden(student))
    if submit(form, lambda: update_student(student, by=me(), **form.values())):
        flash(_("已保存学员 %(name)s。", name=student.name), "success")
        return redirect(url_for("students.detail", student_id=student.id))
    return _form_page(form, student, _("编辑学员"))


# ---------- parents ----------

def _parent(student: Student, parent_id: int) -> Parent:
    """A parent of this student, or 404 (another student's parent does not exist here)."""
    parent = db.session.get(Parent, parent_id)
    if parent is None or parent.student_id != student.id:
        abort(404)
    return parent


def _parents_answer(student: Student, status: int = 200, **context):
    db.session.expire(student, ["parents"])
    return render("students/parents.html", "students/_parents.html", status=status,
                  **_parents_context(student, **context))


@bp.route("/<int:student_id>/parents", methods=["POST"])
@role_required(*STUDENT_WRITERS)
def parent_new(student_id: int):
    """Add a parent; the parents card comes back (with the form's errors, 422, if it was refused)."""
    student = _student(student_id)
    form = ParentForm()
    if submit(form, lambda: add_parent(student, **form.values())):
        return _parents_answer(student) if is_htmx() else redirect(url_for("students.detail", student_id=student.id))
    return _parents_answer(student, 422, form=form)


@bp.route("/<int:student_id>/parents/<int:parent_id>/edit", methods=["GET", "POST"])
@role_required(*STUDENT_WRITERS)
def parent_edit(student_id: int, parent_id: int):
    """Edit a parent's contact details."""
    student = _student(student_id)
    parent = _parent(student, parent_id)
    form = ParentForm(parent=parent, hidden=() if may_see_full_phone(student) else ("phone", "email"))
    if submit(form, lambda: update_parent(parent, **form.values())):
        flash(_("已保存家长 %(name)s。", name=parent.name), "success")
        return go(url_for("students.detail", student_id=student.id, _anchor="parents"))
    return render("students/parent_form.html", None, status=422 if form.is_submitted() else 200, form=form,
                  student=student, parent=parent)


@bp.route("/<int:student_id>/parents/<int:parent_id>/primary", methods=["POST"])
@role_required(*STUDENT_WRITERS)
def parent_primary(student_id: int, parent_id: int):
    """设为主要联系人: the previous primary parent stops being one in the same transaction."""
    student = _student(student_id)
    parent = _parent(student, parent_id)
    if not submit(ButtonForm(), lambda: make_primary(parent)):
        abort(400)
    return _parents_answer(student) if is_htmx() else redirect(url_for("students.detail", student_id=student.id))


@bp.route("/<int:student_id>/parents/<int:parent_id>/delete", methods=["POST"])
@role_required(*STUDENT_WRITERS)
def parent_delete(student_id: int, parent_id: int):
    """Remove a parent; the primary contact is refused until another parent is made primary."""
    student = _student(student_id)
    parent = _parent(student, parent_id)
    form = ButtonForm()
    if submit(form, lambda: remove_parent(parent)):
        return _parents_answer(student) if is_htmx() else redirect(url_for("students.detail", student_id=student.id))
    if not form.form_errors:
        abort(400)
    return _parents_answer(student, 422, message=form.form_errors[0])
