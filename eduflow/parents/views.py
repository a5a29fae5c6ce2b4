"""The parent side's sign-in, sign-out and home page."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, logout_user

from eduflow.access import is_parent
from eduflow.extensions import db
from eduflow.parents import bp
from eduflow.parents.access import parent_required
from eduflow.parents.accounts import authenticate_parent, log_out, sign_in
from eduflow.parents.forms import ParentLoginForm
from eduflow.parents.home import children_overview
from eduflow.web import me


def _safe_next(target: str | None) -> str:
    """Back to the parent page the visitor asked for, never to another site or the staff side."""
    if target and target.startswith("/p/") and not target.startswith("//") and not urlsplit(target).netloc:
        return target
    return url_for("parent.home")


def start_session(account, remember: bool) -> None:
    """A fresh session for the parent, in the language they use (the one picked on the login page survives)."""
    picked = session.get("locale")
    session.clear()
    if picked and not account.locale:
        account.locale = picked
    sign_in(account, remember)
    if account.locale:
        session["locale"] = account.locale


@bp.route("/p/login", methods=["GET", "POST"])
def login():
    """家长登录: phone number and password."""
    if current_user.is_authenticated and is_parent(current_user):
        return redirect(url_for("parent.home"))
    form = ParentLoginForm()
    if form.validate_on_submit():
        result = authenticate_parent(form.phone.data, form.password.data, request.remote_addr or "")
        if result.user is not None:
            start_session(result.user, form.remember.data)
            db.session.commit()
            return redirect(_safe_next(request.args.get("next")))
        db.session.commit()
        if result.throttled:
            flash(ngettext("登录失败次数过多，请 %(num)s 分钟后再试。", "登录失败次数过多，请 %(num)s 分钟后再试。",
                           result.wait_minutes), "danger")
            return render_template("parents/login.html", form=form), 429, {"Retry-After": str(result.wait_minutes * 60)}
        flash(_("手机号或密码错误。"), "danger")
    return render_template("parents/login.html", form=form), 200 if request.method == "GET" or not form.errors else 422


@bp.route("/p/logout", methods=["POST"])
@parent_required
def logout():
    """Sign out on every device (POST only)."""
    account = me()
    log_out(account)
    db.session.commit()
    locale = account.locale or session.get("locale")
    session.clear()
    logout_user()
    if locale:
        session["locale"] = locale
    flash(_("您已退出登录。"), "info")
    return redirect(url_for("parent.login"))


@bp.route("/p/")
@parent_required
def home():
    """The children, each with the next lesson and the remaining hours per course."""
    return render_template("parents/home.html", children=children_overview())
