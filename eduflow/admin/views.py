"""Admin screens: users, campuses and their classrooms, courses, tags, source channels, rule settings."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from flask import flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_user
from sqlalchemy import select

from eduflow.access import ADMINS, get_or_404, role_required, scoped
from eduflow.admin import bp
from eduflow.forms import ButtonForm
from eduflow.admin.forms import (
    CampusForm, ClassroomForm, CourseForm, DeactivateForm, PasswordResetForm, RecordForm,
    SettingsForm, SourceForm, TagForm, UserCreateForm, UserFilterForm, UserForm,
)
from eduflow.admin.services import (
    activate_user, campus_settings, create_user, deactivate_user, default_settings, filter_users,
    heir_candidates, owned_counts, reset_password, save_campus_settings, save_reference, save_settings,
    settings_overview, update_user, use_default_settings,
)
from eduflow.extensions import db
from eduflow.htmx import is_htmx
from eduflow.models import Campus, Classroom, Course, SourceChannel, Tag, User
from eduflow.pagination import paginate
from eduflow.web import me, render, submit


# ---------- shared form handling ----------

def _saved(form, action: Callable, message: Callable, next_url: str):
    """Post/Redirect/Get over `submit`: the redirect after a successful save, or None to re-render the form."""
    done = submit(form, action)
    if not done:
        return None
    flash(message(done.result), "success")
    return redirect(next_url)


def _page(template: str, form, **context):
    """A form page; 422 when a submitted form has errors."""
    return render(template, status=422 if form.errors else 200, form=form, **context)


def _refused(form, next_url: str):
    """A button-only POST that broke a rule: say why on the page it came from."""
    for message in form.form_errors:
        flash(message, "danger")
    return redirect(next_url)


# ---------- users ----------

@bp.route("/users")
@role_required(*ADMINS)
def users():
    """用户: every account, filtered by role, campus and status, searchable by name."""
    filters = UserFilterForm(request.args)
    page = paginate(filter_users(scoped(User), **filters.criteria()))
    return render("admin/users/list.html", page=page, filters=filters)


@bp.route("/users/new", methods=["GET", "POST"])
@role_required(*ADMINS)
def users_new():
    """Create an account."""
    form = UserCreateForm()
    done = _saved(form, lambda: create_user(username=form.username.data, password=form.password.data,
                                             **form.profile()),
                   lambda user: _("已创建用户 %(name)s。", name=user.display_name), url_for("admin.users"))
    return done or _page("admin/users/form.html", form, title=_("新建用户"))


@bp.route("/users/<int:user_id>/edit", methods=["GET", "POST"])
@role_required(*ADMINS)
def users_edit(user_id: int):
    """Edit a user's profile, role and campus."""
    user = get_or_404(User, user_id)
    form = UserForm(user=user)
    done = _saved(form, lambda: update_user(user, operator=me(), **form.profile()),
                   lambda _r: _("已保存用户 %(name)s。", name=user.display_name), url_for("admin.users"))
    return done or _page("admin/users/form.html", form, title=_("编辑用户"), user=user)


@bp.route("/users/<int:user_id>/password", methods=["GET", "POST"])
@role_required(*ADMINS)
def users_password(user_id: int):
    """Set a new password for a user; their other sessions end."""
    user = get_or_404(User, user_id)
    form = PasswordResetForm()
    done = _saved(form, lambda: reset_password(user, form.password.data),
                   lambda _r: _("已为 %(name)s 设置新密码。", name=user.display_name), url_for("admin.users"))
    if done and user.id == me().id:
        login_user(user)  # the new session token would otherwise sign this admin out too
    return done or _page("admin/users/password.html", form, user=user)


@bp.route("/users/<int:user_id>/deactivate", methods=["GET", "POST"])
@role_required(*ADMINS)
def users_deactivate(user_id: int):
    """离职: confirm, choosing an heir while the user still owns leads or students."""
    user = get_or_404(User, user_id)
    if not user.is_active:
        flash(_("%(name)s 已停用。", name=user.display_name), "info")
        return redirect(url_for("admin.users"))
    leads, students = owned_counts(user)
    form = DeactivateForm(heirs=heir_candidates(user), needs_heir=bool(leads or students))
    done = _saved(form, lambda: deactivate_user(user, operator=me(), heir=form.heir,
                                                 leave_date=form.leave_date.data, notes=form.notes.data or ""),
                   lambda result: _deactivated(user, result.inheritance, form.heir), url_for("admin.users"))
    return done or _page("admin/users/deactivate.html", form, user=user, leads=leads, students=students)


def _deactivated(user: User, inheritance, heir: User | None) -> str:
    if inheritance is None:
        return _("%(name)s 已停用。", name=user.display_name)
    return _("%(name)s 已停用，%(leads)s 条线索和 %(students)s 名学员已转给 %(heir)s。", name=user.display_name,
             leads=inheritance.leads_moved, students=inheritance.students_moved, heir=heir.display_name)


@bp.route("/users/<int:user_id>/activate", methods=["POST"])
@role_required(*ADMINS)
def users_activate(user_id: int):
    """复职: let a deactivated account sign in again."""
    user = get_or_404(User, user_id)
    form = ButtonForm()
    done = _saved(form, lambda: activate_user(user), lambda _r: _("%(name)s 已恢复在职。", name=user.display_name),
                   url_for("admin.users"))
    return done or _refused(form, url_for("admin.users"))


# ---------- reference tables: campuses, courses, tags, source channels ----------

@dataclass(frozen=True)
class Area:
    """A table only admins edit: a list page and one create/edit form."""

    name: str  # URL segment, template folder and endpoint prefix (admin.<name>, admin.<name>_new, …_edit)
    model: type
    form: type[RecordForm]
    order_by: tuple
    new_title: str
    edit_title: str


CAMPUSES = Area("campuses", Campus, CampusForm, (Campus.is_active.desc(), Campus.name),
                _l("新建校区"), _l("编辑校区"))
COURSES = Area("courses", Course, CourseForm, (Course.is_active.desc(), Course.name),
               _l("新建课程"), _l("编辑课程"))
TAGS = Area("tags", Tag, TagForm, (Tag.kind.desc(), Tag.category, Tag.name), _l("新建标签"), _l("编辑标签"))
SOURCES = Area("sources", SourceChannel, SourceForm, (SourceChannel.sort_order, SourceChannel.name),
               _l("新建来源渠道"), _l("编辑来源渠道"))


def _list_page(area: Area):
    page = paginate(select(area.model).order_by(*area.order_by))
    return render(f"admin/{area.name}/list.html", page=page)


def _record_page(area: Area, record=None, template: str = "admin/record_form.html", **context):
    """Create (no record) or edit one row: redirect to the list on success, 422 with the messages otherwise."""
    form = area.form(record=record)
    done = _saved(form, lambda: save_reference(record or area.model(), **form.values()),
                   lambda saved: _("已保存“%(name)s”。", name=saved.name), url_for(f"admin.{area.name}"))
    title = area.edit_title if record else area.new_title
    return done or _page(template, form, area=area, record=record, title=title, **context)


@bp.route("/campuses")
@role_required(*ADMINS)
def campuses():
    """校区 list."""
    return _list_page(CAMPUSES)


@bp.route("/campuses/new", methods=["GET", "POST"])
@role_required(*ADMINS)
def campuses_new():
    """Open a campus."""
    return _record_page(CAMPUSES)


@bp.route("/campuses/<int:campus_id>/edit", methods=["GET", "POST"])
@role_required(*ADMINS)
def campuses_edit(campus_id: int):
    """Edit a campus; its classrooms are listed and edited on the same page."""
    campus = db.get_or_404(Campus, campus_id)
    return _record_page(CAMPUSES, campus, "admin/campuses/edit.html", **_classrooms_context(campus))


@bp.route("/courses")
@role_required(*ADMINS)
def courses():
    """课程 list."""
    return _list_page(COURSES)


@bp.route("/courses/new", methods=["GET", "POST"])
@role_required(*ADMINS)
def courses_new():
    """Add a course."""
    return _record_page(COURSES)


@bp.route("/courses/<int:course_id>/edit", methods=["GET", "POST"])
@role_required(*ADMINS)
def courses_edit(course_id: int):
    """Edit a course."""
    return _record_page(COURSES, db.get_or_404(Course, course_id))


@bp.route("/tags")
@role_required(*ADMINS)
def tags():
    """标签 list, system tags first."""
    return _list_page(TAGS)


@bp.route("/tags/new", methods=["GET", "POST"])
@role_required(*ADMINS)
def tags_new():
    """Add a manual tag."""
    return _record_page(TAGS, template="admin/tags/form.html")


@bp.route("/tags/<int:tag_id>/edit", methods=["GET", "POST"])
@role_required(*ADMINS)
def tags_edit(tag_id: int):
    """Rename or re-categorise a tag (a system tag keeps its kind and code)."""
    return _record_page(TAGS, db.get_or_404(Tag, tag_id), "admin/tags/form.html")


@bp.route("/sources")
@role_required(*ADMINS)
def sources():
    """来源渠道 list, in the order the lead form offers them."""
    return _list_page(SOURCES)


@bp.route("/sources/new", methods=["GET", "POST"])
@role_required(*ADMINS)
def sources_new():
    """Add a source channel."""
    return _record_page(SOURCES)


@bp.route("/sources/<int:source_id>/edit", methods=["GET", "POST"])
@role_required(*ADMINS)
def sources_edit(source_id: int):
    """Edit a source channel."""
    return _record_page(SOURCES, db.get_or_404(SourceChannel, source_id))


# ---------- classrooms, inside the campus page ----------

def _classrooms_context(campus: Campus, new: ClassroomForm | None = None, editing: ClassroomForm | None = None):
    classrooms = db.session.scalars(select(Classroom).where(Classroom.campus_id == campus.id).order_by(Classroom.name))
    new = new or ClassroomForm(formdata=None, prefix="new", campus=campus)
    return {"campus": campus, "classrooms": list(classrooms), "new_classroom": new, "editing": editing}


def _classrooms(campus: Campus, status: int = 200, **forms):
    """The campus page, or only its classrooms section for htmx (the page includes the same file)."""
    return render("admin/campuses/edit.html", "admin/campuses/_classrooms.html", status=status,
                  form=CampusForm(formdata=None, record=campus), area=CAMPUSES, record=campus,
                  title=CAMPUSES.edit_title, **_classrooms_context(campus, **forms))


def _save_classroom(campus: Campus, classroom: Classroom, form: ClassroomForm, **forms):
    if not submit(form, lambda: save_reference(classroom, **form.values())):
        return _classrooms(campus, 422, **forms)
    if is_htmx():
        return _classrooms(campus)
    flash(_("已保存教室“%(name)s”。", name=classroom.name), "success")
    return redirect(url_for("admin.campuses_edit", campus_id=campus.id))


@bp.route("/campuses/<int:campus_id>/classrooms")
@role_required(*ADMINS)
def campuses_classrooms(campus_id: int):
    """A campus's classrooms (the section htmx refreshes; a browser gets the campus page)."""
    return _classrooms(db.get_or_404(Campus, campus_id))


@bp.route("/campuses/<int:campus_id>/classrooms/new", methods=["POST"])
@role_required(*ADMINS)
def campuses_classrooms_new(campus_id: int):
    """Add a classroom to a campus."""
    campus = db.get_or_404(Campus, campus_id)
    form = ClassroomForm(prefix="new", campus=campus)
    return _save_classroom(campus, Classroom(campus_id=campus.id), form, new=form)


@bp.route("/campuses/<int:campus_id>/classrooms/<int:classroom_id>/edit", methods=["GET", "POST"])
@role_required(*ADMINS)
def campuses_classrooms_edit(campus_id: int, classroom_id: int):
    """Edit one classroom in place, in its row of the campus page."""
    campus = db.get_or_404(Campus, campus_id)
    classroom = db.first_or_404(select(Classroom).where(Classroom.id == classroom_id,
                                                        Classroom.campus_id == campus.id))
    form = ClassroomForm(prefix=f"room{classroom.id}", record=classroom, campus=campus)
    if request.method == "GET":
        return _classrooms(campus, editing=form)
    return _save_classroom(campus, classroom, form, editing=form)


# ---------- rule settings ----------

@bp.route("/settings", methods=["GET", "POST"])
@role_required(*ADMINS)
def settings():
    """规则设置: the defaults, and which campuses override them."""
    defaults = default_settings()
    db.session.commit()  # the defaults row is created on first visit
    form = SettingsForm(obj=defaults)
    done = _saved(form, lambda: save_settings(defaults, **form.values()),
                   lambda _r: _("默认规则设置已保存。"), url_for("admin.settings"))
    return done or _page("admin/settings/index.html", form, overview=settings_overview())


@bp.route("/settings/<int:campus_id>", methods=["GET", "POST"])
@role_required(*ADMINS)
def settings_campus(campus_id: int):
    """One campus's settings: the first save creates its override."""
    campus = db.get_or_404(Campus, campus_id)
    override = campus_settings(campus)
    form = SettingsForm(obj=override or default_settings())
    done = _saved(form, lambda: save_campus_settings(campus, **form.values()),
                   lambda _r: _("%(campus)s 的规则设置已保存。", campus=campus.name),
                   url_for("admin.settings_campus", campus_id=campus.id))
    return done or _page("admin/settings/campus.html", form, campus=campus, override=override)


@bp.route("/settings/<int:campus_id>/reset", methods=["POST"])
@role_required(*ADMINS)
def settings_reset(campus_id: int):
    """使用默认设置: remove the campus's override."""
    campus = db.get_or_404(Campus, campus_id)
    form = ButtonForm()
    done = _saved(form, lambda: use_default_settings(campus),
                   lambda _r: _("%(campus)s 已改为使用默认设置。", campus=campus.name), url_for("admin.settings"))
    return done or _refused(form, url_for("admin.settings_campus", campus_id=campus.id))
