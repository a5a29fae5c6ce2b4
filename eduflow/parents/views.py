"""The parent side's sign-in (and, from WeChat's browser, the openid binding after it), sign-out and home page."""
from __future__ import annotations

import logging
from urllib.parse import urlsplit

from flask import flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, logout_user
from sqlalchemy.exc import SQLAlchemyError

from eduflow.access import is_parent
from eduflow.extensions import db
from eduflow.parents import bp
from eduflow.parents.access import parent_required
from eduflow.notifications import wechat
from eduflow.notifications.providers import NotSent, public_url
from eduflow.parents.accounts import authenticate_parent, bind_wechat, log_out, sign_in, state_is_for, wechat_state
from eduflow.parents.forms import ParentLoginForm
from eduflow.parents.home import children_overview
from eduflow.web import me

WECHAT_NEXT = "parent_wechat_next"  # where a parent goes once WeChat's OAuth2 has come back
log = logging.getLogger(__name__)


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


def after_sign_in(account, target: str):
    """On to `target`; from WeChat's browser (with WeChat configured) first through WeChat's OAuth2 (snsapi_base,
    no prompt), which comes back to `wechat_callback` with the parent's openid."""
    if not (wechat.in_wechat(request.user_agent.string) and wechat.wechat_configured()):
        return redirect(target)
    session[WECHAT_NEXT] = target
    callback = public_url(url_for("parent.wechat_callback")) or url_for("parent.wechat_callback", _external=True)
    return redirect(wechat.authorize_url(callback, wechat_state(account)))


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
            return after_sign_in(result.user, _safe_next(request.args.get("next")))
        db.session.commit()
        if result.throttled:
            flash(ngettext("登录失败次数过多，请 %(num)s 分钟后再试。", "登录失败次数过多，请 %(num)s 分钟后再试。",
                           result.wait_minutes), "danger")
            return render_template("parents/login.html", form=form), 429, {"Retry-After": str(result.wait_minutes * 60)}
        flash(_("手机号或密码错误。"), "danger")
    return render_template("parents/login.html", form=form), 200 if request.method == "GET" or not form.errors else 422


@bp.route("/p/wechat/callback")
@parent_required
def wechat_callback():
    """WeChat's OAuth2 comes back: its code becomes the parent's openid, bound to the account, then on to the page
    the parent signed in for. Whatever WeChat answers, the parent goes on (an error is only logged)."""
    target = _safe_next(session.pop(WECHAT_NEXT, None))
    account, code = me(), request.args.get("code", "")
    if not wechat.wechat_configured() or not code or len(code) > 128 \
            or not state_is_for(account, request.args.get("state", "")):
        log.info("WeChat sign-in callback ignored for parent account %s (no code, or a stale state)", account.id)
        return redirect(target)
    try:
        bind_wechat(account, wechat.openid_for_code(code))
        db.session.commit()
    except (NotSent, SQLAlchemyError) as error:
        db.session.rollback()
        log.warning("WeChat openid not bound for parent account %s: %s", account.id, error)
    return redirect(target)


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
