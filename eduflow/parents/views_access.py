"""Getting into the parent side: the QR invitation's page (/p/invite/<token>) and sign-in with a one-time code."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from eduflow import audit
from eduflow.access import is_parent
from eduflow.auth.services import LoginResult
from eduflow.domain import DomainError
from eduflow.extensions import db
from eduflow.parents import bp
from eduflow.parents.codes import SMS, code_channel, request_code, sign_in_with_code
from eduflow.parents.forms_access import CodeRequestForm, CodeSignInForm, InviteAcceptForm
from eduflow.parents.invites import InviteRefused, WrongDigits, accept_invite, read_invite
from eduflow.parents.views import after_sign_in, start_session
from eduflow.security.phones import mask_phone
from eduflow.web import refuse

CODE_PHONE = "parent_code_phone"  # the phone a code was asked for, until it is typed in


@bp.context_processor
def _code_sign_in() -> dict:
    """The login page offers "sign in with a code" only where a code channel is configured."""
    return {"code_sign_in_url": url_for("parent.login_code") if code_channel() else None}


def mask_name(name: str) -> str:
    """A child's or parent's name as an invitation shows it before the phone is confirmed: 王小明 → 王*明."""
    name = (name or "").strip()
    if len(name) <= 1:
        return name
    return name[0] + "*" if len(name) == 2 else name[0] + "*" * (len(name) - 2) + name[-1]


def _refused(error: InviteRefused):
    return render_template("parents/invite_invalid.html", message=str(error)), error.status_code


@bp.route("/p/invite/<token>", methods=["GET", "POST"])
def invite(token: str):
    """开通家长端: the invitation's page; the last four digits and a new password sign the parent in."""
    try:
        invitation = read_invite(token)
    except InviteRefused as error:
        return _refused(error)
    parent = invitation.parent
    form = InviteAcceptForm(words=[parent.phone, parent.name, parent.student.name])
    status = 422 if form.is_submitted() else 200
    if form.validate_on_submit():
        try:
            account = accept_invite(invitation, form.last4.data, form.password.data, request.remote_addr or "")
        except WrongDigits as error:
            db.session.commit()  # the failed attempt counts towards the throttle
            refuse(form, error)
            status = error.status_code
        except InviteRefused as error:
            db.session.rollback()
            return _refused(error)
        except (DomainError, IntegrityError) as error:
            db.session.rollback()
            refuse(form, error if isinstance(error, DomainError) else _("请稍后重试。"), "password")
        else:
            start_session(account, remember=True)
            audit.record("parent_login_ok", "parent_accounts", account.id, {"via": [None, "invite"]},
                         parent_account_id=account.id)
            db.session.commit()
            flash(_("家长端已开通，欢迎！"), "success")
            return after_sign_in(account, url_for("parent.home"))  # an invitation is often scanned in WeChat
    return render_template("parents/invite.html", form=form, campus=parent.student.campus.name,
                           child=mask_name(parent.student.name), parent_name=mask_name(parent.name),
                           expires_at=invitation.expires_at), status


def _code_pages_open():
    """Code sign-in pages: a signed-in parent goes home; without a code channel they do not exist."""
    if current_user.is_authenticated and is_parent(current_user):
        return redirect(url_for("parent.home"))
    if code_channel() is None:
        abort(404)
    return None


def _throttled(template: str, result: LoginResult, **context):
    flash(ngettext("尝试次数过多，请 %(num)s 分钟后再试。", "尝试次数过多，请 %(num)s 分钟后再试。",
                   result.wait_minutes), "danger")
    return render_template(template, **context), 429, {"Retry-After": str(result.wait_minutes * 60)}


@bp.route("/p/login/code", methods=["GET", "POST"])
def login_code():
    """验证码登录, step 1: the phone number; the answer is the same whether or not it has an account."""
    elsewhere = _code_pages_open()
    if elsewhere:
        return elsewhere
    form, by_sms = CodeRequestForm(), code_channel() == SMS
    if form.validate_on_submit():
        wait = request_code(form.phone.data, request.remote_addr or "")
        db.session.commit()
        if wait:
            return _throttled("parents/login_code.html", LoginResult(wait=wait), form=form, by_sms=by_sms)
        session[CODE_PHONE] = form.phone.data.strip()
        if by_sms:
            flash(_("如果这个手机号已开通家长端，验证码已通过短信发送，10 分钟内有效。"), "info")
        else:
            flash(_("如果这个手机号已开通家长端，验证码已发送到登记的邮箱，10 分钟内有效。"), "info")
        return redirect(url_for("parent.login_code_verify"))
    return render_template("parents/login_code.html", form=form, by_sms=by_sms), 422 if form.errors else 200


@bp.route("/p/login/code/verify", methods=["GET", "POST"])
def login_code_verify():
    """验证码登录, step 2: the 6-digit code signs the parent in."""
    elsewhere = _code_pages_open()
    if elsewhere:
        return elsewhere
    phone = session.get(CODE_PHONE)
    if not phone:
        return redirect(url_for("parent.login_code"))
    form = CodeSignInForm()
    context = {"form": form, "phone": mask_phone(phone)}
    if form.validate_on_submit():
        result = sign_in_with_code(phone, form.code.data, request.remote_addr or "")
        if result.user is not None:
            start_session(result.user, form.remember.data)
            db.session.commit()
            return after_sign_in(result.user, url_for("parent.home"))
        db.session.commit()
        if result.throttled:
            return _throttled("parents/login_code_verify.html", result, **context)
        flash(_("验证码错误或已失效，请重新输入或重新获取。"), "danger")
        return render_template("parents/login_code_verify.html", **context), 422
    return render_template("parents/login_code_verify.html", **context), 422 if form.errors else 200
