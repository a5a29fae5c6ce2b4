"""Sign-in, sign-out, change own password, switch language."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required, login_user, logout_user
from flask_login.config import COOKIE_NAME

from eduflow.auth import bp
from eduflow.auth.forms import ChangePasswordForm, LanguageForm, LoginForm
from eduflow.auth.services import authenticate, log_out, set_password
from eduflow.extensions import db, login_manager
from eduflow.htmx import hx_redirect, is_htmx
from eduflow.security.passwords import verify_password
from eduflow.web import me

LOCALE_PICKED = "locale_picked"  # the language was chosen on the login page, before signing in


@login_manager.unauthorized_handler
def _unauthorized():
    """Send anonymous visitors to the login page; htmx gets HX-Redirect instead of a fragment."""
    target = url_for("auth.login", next=request.full_path if request.method == "GET" else None)
    if is_htmx() or request.headers.get("HX-Request"):
        response = hx_redirect(url_for("auth.login"))
        response.status_code = 401
        return response
    return redirect(target)


def _safe_next(target: str | None) -> str:
    if target and target.startswith("/") and not target.startswith("//") and not urlsplit(target).netloc:
        return target
    return url_for("dashboard.index")


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Sign in with username and password."""
    if current_user.is_authenticated:
        return redirect(url_for("dashboard.index"))
    form = LoginForm()
    if form.validate_on_submit():
        result = authenticate(form.username.data, form.password.data, request.remote_addr or "")
        db.session.commit()
        if result.user is not None:
            _start_session(result.user)
            login_user(result.user, remember=form.remember.data)
            return redirect(_safe_next(request.args.get("next")))
        if result.throttled:
            return _throttled(form, result.wait_minutes)
        flash(_("用户名或密码错误。"), "danger")
    return render_template("auth/login.html", form=form), 200 if request.method == "GET" or not form.errors else 422


def _start_session(user) -> None:
    """A fresh session for the account; a language picked on the login page survives and becomes the account's."""
    picked = session.get(LOCALE_PICKED) and session.get("locale")
    session.clear()
    if picked in current_app.config["LANGUAGES"]:
        user.locale = picked
        db.session.commit()
    if user.locale:
        session["locale"] = user.locale


def _throttled(form: LoginForm, minutes: int):
    """429 with the real remaining wait, in the message and in Retry-After."""
    flash(ngettext("登录失败次数过多，请 %(num)s 分钟后再试。", "登录失败次数过多，请 %(num)s 分钟后再试。", minutes), "danger")
    return render_template("auth/login.html", form=form), 429, {"Retry-After": str(minutes * 60)}


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    """Sign out everywhere (POST, so that no link or image can sign a user out).

    The token is rotated, so a copied session or remember cookie is refused from now on; the session is
    cleared *before* logout_user, which marks the remember cookie for deletion in this response.
    """
    log_out(me())
    db.session.commit()
    locale = me().locale or session.get("locale")
    session.clear()
    logout_user()
    if locale:  # the login page that follows speaks the language the user was using
        session["locale"] = locale
    flash(_("您已退出登录。"), "info")
    return redirect(url_for("auth.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    """Change one's own password; other sessions of this user end."""
    form = ChangePasswordForm()
    if form.validate_on_submit():
        if not verify_password(current_user.password_hash, form.current_password.data):
            form.current_password.errors.append(_("当前密码不正确。"))
        else:
            set_password(current_user, form.new_password.data)
            db.session.commit()
            # Re-issue the session (and a kept 记住我 cookie) with the new token; other devices are signed out.
            login_user(me(), remember=_remembered())
            flash(_("密码已修改。"), "success")
            return redirect(url_for("dashboard.index"))
    status = 422 if form.errors else 200
    return render_template("auth/password.html", form=form), status


def _remembered() -> bool:
    """Whether this browser holds a 记住我 cookie."""
    return current_app.config.get("REMEMBER_COOKIE_NAME", COOKIE_NAME) in request.cookies


@bp.route("/language", methods=["POST"])
def set_language():
    """Switch the interface language; remembered on the account when signed in."""
    form = LanguageForm()
    if form.validate_on_submit():
        session["locale"] = form.locale.data
        session[LOCALE_PICKED] = not current_user.is_authenticated
        if current_user.is_authenticated:
            current_user.locale = form.locale.data
            db.session.commit()
    return redirect(_safe_next(request.referrer and urlsplit(request.referrer).path))
