"""Admin screens: users and rule settings (the reference tables are in views_reference.py)."""
from __future__ import annotations

from typing import Callable

from flask import flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import login_user

from eduflow.access import ADMINS, get_or_404, role_required, scoped
from eduflow.admin import bp
from eduflow.forms import ButtonForm
from eduflow.admin.forms import (
    DeactivateForm, PasswordResetForm, SettingsForm, UserCreateForm, UserFilterForm, UserForm,
)
from eduflow.admin.services import (
    activate_user, campus_settings, create_user, deactivate_user, default_settings, filter_users,
    heir_candidates, owned_counts, reset_password, save_campus_settings, save_settings,
    settings_overview, update_user, use_default_settings,
)
from eduflow.extensions import db
from eduflow.models import Campus, User
from eduflow.pagination import paginate
from eduflow.web import me, render, submit


# ---------- shared form handling ----------

def saved(form, action: Callable, message: Callable, next_url: str):
    """Post/Redirect/Get over `submit`: the redirect after a successful save, or None to re-render the form."""
    done = submit(form, action)
    if not done:
        return None
    flash(message(done.result), "success")
    return redirect(next_url)


def form_page(template: str, form, **context):
    """A form page; 422 when a submitted form has errors."""
    return render(template, status=422 if form.errors else 200, form=form, **context)


def refused(form, next_url: str):
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
    done = saved(form, lambda: create_user(username=form.username.data, password=form.password.data,
                                             **form.profile()),
                   lambda user: _("已创建用户 %(name)s。", name=user.display_name), url_for("admin.users"))
    return done or form_page("admin/users/form.html", form, title=_("新建用户"))


@bp.route("/users/<int:user_id>/edit", methods=["GET", "POST"])
@role_required(*ADMINS)
def users_edit(user_id: int):
    """Edit a user's profile, role and campus."""
    user = get_or_404(User, user_id)
    form = UserForm(user=user)
    done = saved(form, lambda: update_user(user, operator=me(), **form.profile()),
                   lambda _r: _("已保存用户 %(name)s。", name=user.display_name), url_for("admin.users"))
    return done or form_page("admin/users/form.html", form, title=_("编辑用户"), user=user)


@bp.route("/users/<int:user_id>/password", methods=["GET", "POST"])
@role_required(*ADMINS)
def users_password(user_id: int):
    """Set a new password for a user; their other sessions end."""
    user = get_or_404(User, user_id)
    form = PasswordResetForm()
    done = saved(form, lambda: reset_password(user, form.password.data),
                   lambda _r: _("已为 %(name)s 设置新密码。", name=user.display_name), url_for("admin.users"))
    if done and user.id == me().id:
        login_user(user)  # the new session token would otherwise sign this admin out too
    return done or form_page("admin/users/password.html", form, user=user)


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
    done = saved(form, lambda: deactivate_user(user, operator=me(), heir=form.heir,
                                                 leave_date=form.leave_date.data, notes=form.notes.data or ""),
                   lambda result: _deactivated(user, result.inheritance, form.heir), url_for("admin.users"))
    return done or form_page("admin/users/deactivate.html", form, user=user, leads=leads, students=students)


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
    done = saved(form, lambda: activate_user(user), lambda _r: _("%(name)s 已恢复在职。", name=user.display_name),
                   url_for("admin.users"))
    return done or refused(form, url_for("admin.users"))


# ---------- rule settings ----------

@bp.route("/settings", methods=["GET", "POST"])
@role_required(*ADMINS)
def settings():
    """规则设置: the defaults, and which campuses override them."""
    defaults = default_settings()
    db.session.commit()  # the defaults row is created on first visit
    form = SettingsForm(obj=defaults)
    done = saved(form, lambda: save_settings(defaults, **form.values()),
                   lambda _r: _("默认规则设置已保存。"), url_for("admin.settings"))
    return done or form_page("admin/settings/index.html", form, overview=settings_overview())


@bp.route("/settings/<int:campus_id>", methods=["GET", "POST"])
@role_required(*ADMINS)
def settings_campus(campus_id: int):
    """One campus's settings: the first save creates its override."""
    campus = db.get_or_404(Campus, campus_id)
    override = campus_settings(campus)
    form = SettingsForm(obj=override or default_settings())
    done = saved(form, lambda: save_campus_settings(campus, **form.values()),
                   lambda _r: _("%(campus)s 的规则设置已保存。", campus=campus.name),
                   url_for("admin.settings_campus", campus_id=campus.id))
    return done or form_page("admin/settings/campus.html", form, campus=campus, override=override)


@bp.route("/settings/<int:campus_id>/reset", methods=["POST"])
@role_required(*ADMINS)
def settings_reset(campus_id: int):
    """使用默认设置: remove the campus's override."""
    campus = db.get_or_404(Campus, campus_id)
    form = ButtonForm()
    done = saved(form, lambda: use_default_settings(campus),
                   lambda _r: _("%(campus)s 已改为使用默认设置。", campus=campus.name), url_for("admin.settings"))
    return done or refused(form, url_for("admin.settings_campus", campus_id=campus.id))
