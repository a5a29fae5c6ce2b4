"""QR invitations (邀请二维码): staff invite one Parent row, the parent opens the link, confirms the phone's last four
digits, sets a password and is signed in. Staff revoke a Parent row's access the same way they granted it.

A link is a signed token (itsdangerous, the app's secret key and a salt of its own) of the invite's id and nonce;
the invite row decides the rest: valid for 7 days, used once. Staff reopening an invitation get the token signed
again (a different string naming the same invite, with the same expiry). Accepting an invite for a phone that already has an
account sets the new password: the invite doubles as a staff-assisted password reset.
"""
from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

from flask import current_app, has_request_context, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import delete, func, select, update

from eduflow import audit
from eduflow.auth.services import LoginResult
from eduflow.auth.throttle import NO_WAIT, record_attempt, throttle_key, wait_before_next_attempt
from eduflow.domain import DomainError, FieldError
from eduflow.extensions import db
from eduflow.models import LoginAttempt, Parent, ParentAccount, ParentInvite, Student, User, utcnow
from eduflow.parents.accounts import new_session_token
from eduflow.security.passwords import hash_password
from eduflow.security.strength import require_strong_password

VALID_FOR = dt.timedelta(days=7)
MAX_WRONG_DIGITS = 10  # wrong last-four tries, from all addresses, before the invite is dead
SALT = "eduflow.parent-invite"


class InviteRefused(DomainError):
    """The link cannot be used (expired, used, revoked …); `status_code` is what the page answers."""

    status_code = 410


class UnknownInvite(InviteRefused):
    """The link was never issued here (a bad signature or a forgotten invite)."""

    status_code = 404


class WrongDigits(FieldError):
    """The last four digits do not match; the failed attempt is kept (the caller commits, not rolls back)."""

    def __init__(self, message: str, status: int = 422):
        super().__init__("last4", message)
        self.status_code = status


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def invite_token(invite: ParentInvite) -> str:
    """The signed token of an invite (its id and nonce); the invite row keeps the expiry and single use."""
    return _serializer().dumps({"i": invite.id, "n": invite.nonce})


def invite_url(invite: ParentInvite) -> str:
    """The link the QR code carries: absolute, so a phone camera opens it."""
    return url_for("parent.invite", token=invite_token(invite), _external=True)


def create_invite(parent: Parent, by: User) -> tuple[ParentInvite, str]:
    """邀请家长: a new single-use invitation for one Parent row, valid 7 days; audited. The caller commits."""
    if not parent.phone_hash:
        raise DomainError(_("这位家长没有登记手机号，请先填写手机号再邀请。"))
    now = utcnow()
    invite = ParentInvite(parent_id=parent.id, nonce=secrets.token_hex(16), created_by_id=by.id, created_at=now,
                          expires_at=now + VALID_FOR)
    db.session.add(invite)
    db.session.flush()
    audit.record("parent_invited", "parents", parent.id, {"invite_id": [None, invite.id]}, actor_id=by.id)
    return invite, invite_url(invite)


def read_invite(token: str) -> ParentInvite:
    """The invite a link names, or InviteRefused saying why it cannot be used."""
    try:
        data = _serializer().loads(token, max_age=int(VALID_FOR.total_seconds()))
    except SignatureExpired:
        raise InviteRefused(_("邀请链接已过期，请联系校区老师重新生成二维码。")) from None
    except BadSignature:
        raise UnknownInvite(_("邀请链接无效，请确认扫描的是校区老师提供的二维码。")) from None
    invite = db.session.get(ParentInvite, data.get("i")) if isinstance(data, dict) and isinstance(
        data.get("i"), int) else None
    if invite is None or not secrets.compare_digest(str(data.get("n", "")), invite.nonce):
        raise UnknownInvite(_("邀请链接无效，请确认扫描的是校区老师提供的二维码。"))
    _check_usable(invite)
    return invite


def _check_usable(invite: ParentInvite) -> None:
    parent = invite.parent
    if invite.used_at is not None:
        raise InviteRefused(_("这个邀请链接已经使用过。已开通的家长请直接登录；忘记密码请联系校区老师重新邀请。"))
    if parent.portal_revoked_at is not None and invite.expires_at <= parent.portal_revoked_at:
        raise InviteRefused(_("校区已收回这位家长的访问权限，这个邀请链接已失效。"))
    if parent.student.deleted_at is not None:
        raise InviteRefused(_("这个邀请链接已失效。"))
    if invite.expires_at <= utcnow():
        raise InviteRefused(_("邀请链接已过期，请联系校区老师重新生成二维码。"))
    if not parent.phone_hash:
        raise InviteRefused(_("这位家长没有登记手机号，请联系校区老师。"))


def throttle_name(invite: ParentInvite) -> str:
    """How throttling names an invite's attempts at the last four digits (the invite, not the phone)."""
    return f"invite:{invite.id}"


def _address(ip: str | None) -> str:
    if ip is not None:
        return ip
    return (request.remote_addr or "") if has_request_context() else ""


def accept_invite(invite: ParentInvite, last4: str, password: str, ip: str | None = None) -> ParentAccount:
    """Confirm the last four digits and set the password: the phone's account (created or updated), access granted
    again, the invite used up. Wrong digits raise WrongDigits after recording the attempt. The caller commits."""
    _check_usable(invite)
    parent, address, name = invite.parent, _address(ip), throttle_name(invite)
    _check_digits(parent, last4 or "", name, address)
    require_strong_password(password, [parent.phone, parent.name, parent.student.name])
    used = db.session.execute(update(ParentInvite).where(ParentInvite.id == invite.id, ParentInvite.used_at.is_(None))
                              .values(used_at=utcnow()).execution_options(synchronize_session=False))
    if used.rowcount != 1:
        raise InviteRefused(_("这个邀请链接已经使用过。已开通的家长请直接登录；忘记密码请联系校区老师重新邀请。"))
    record_attempt(name, address, True)
    account = _account_with_password(parent, password)
    parent.portal_revoked_at = None
    db.session.flush()
    audit.record("parent_invite_accepted", "parents", parent.id, {"invite_id": [None, invite.id]},
                 parent_account_id=account.id)
    return account


def _check_digits(parent: Parent, last4: str, name: str, address: str) -> None:
    """The throttle delays each address; past MAX_WRONG_DIGITS wrong tries from all addresses the invite is dead
    (a photographed QR code cannot be guessed through from many machines)."""
    if wrong_tries(name) >= MAX_WRONG_DIGITS:
        raise InviteRefused(_("手机号后四位错误次数过多，这个邀请已失效，请联系校区老师重新邀请。"))
    wait = wait_before_next_attempt(name, address)
    if wait > NO_WAIT:
        minutes = LoginResult(wait=wait).wait_minutes
        raise WrongDigits(ngettext("尝试次数过多，请 %(num)s 分钟后再试。", "尝试次数过多，请 %(num)s 分钟后再试。", minutes),
                          status=429)
    if not secrets.compare_digest(last4.strip().encode(), (parent.phone_last4 or "").encode()):
        record_attempt(name, address, False)
        audit.record("parent_invite_wrong_digits", "parents", parent.id)
        raise WrongDigits(_("手机号后四位不正确。"))


def wrong_tries(name: str) -> int:
    """Wrong last-four tries at one invite, from any address."""
    return db.session.scalar(select(func.count(LoginAttempt.id)).where(
        LoginAttempt.username == throttle_key(name), LoginAttempt.succeeded.is_(False)))


def _account_with_password(parent: Parent, password: str) -> ParentAccount:
    """The phone's one account, created on first acceptance; otherwise its password is reset (other devices are
    signed out by the new session token)."""
    account = db.session.scalar(select(ParentAccount).where(ParentAccount.phone_hash == parent.phone_hash))
    if account is None:
        account = ParentAccount()
        account.phone = parent.phone
        db.session.add(account)
    account.password_hash = hash_password(password)
    account.session_token = new_session_token()
    account.is_active = True
    return account


def revoke_access(parent: Parent, by: User) -> None:
    """收回访问权限: the parent no longer sees this child (their account stays for other children); outstanding
    invitations for the row end now. Audited; the caller commits."""
    now = utcnow()
    parent.portal_revoked_at = now
    db.session.execute(update(ParentInvite).where(
        ParentInvite.parent_id == parent.id, ParentInvite.used_at.is_(None), ParentInvite.expires_at > now,
    ).values(expires_at=now).execution_options(synchronize_session=False))
    db.session.flush()
    audit.record("parent_access_revoked", "parents", parent.id, actor_id=by.id)


def forget_invites(parent: Parent) -> None:
    """A Parent row being deleted takes its invitations with it (their links then answer "invalid")."""
    db.session.execute(delete(ParentInvite).where(ParentInvite.parent_id == parent.id))


@dataclass
class ParentAccess:
    """One Parent row as the student page shows it: whether that parent can open the parent side for this child."""

    parent: Parent
    account: ParentAccount | None
    pending: ParentInvite | None  # the newest invitation still waiting to be used

    @property
    def revoked(self) -> bool:
        return self.parent.portal_revoked_at is not None

    @property
    def has_access(self) -> bool:
        """An account exists for the row's phone and staff did not revoke the row."""
        return self.account is not None and self.account.is_active and not self.revoked

    @property
    def last_login_at(self) -> dt.datetime | None:
        return self.account.last_login_at if self.account else None


def access_overview(student: Student) -> list[ParentAccess]:
    """The student's parents, primary first, each with their account (matched by phone) and pending invitation."""
    parents = sorted(student.parents, key=lambda p: (not p.is_primary, p.id))
    hashes = {p.phone_hash for p in parents if p.phone_hash}
    accounts = {a.phone_hash: a for a in db.session.scalars(
        select(ParentAccount).where(ParentAccount.phone_hash.in_(hashes)))} if hashes else {}
    pending: dict[int, ParentInvite] = {}
    if parents:
        for invite in db.session.scalars(select(ParentInvite).where(
                ParentInvite.parent_id.in_([p.id for p in parents]), ParentInvite.used_at.is_(None),
                ParentInvite.expires_at > utcnow()).order_by(ParentInvite.id)):
            pending[invite.parent_id] = invite
    return [ParentAccess(p, accounts.get(p.phone_hash) if p.phone_hash else None, pending.get(p.id)) for p in parents]
