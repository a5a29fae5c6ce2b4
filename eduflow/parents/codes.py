"""One-time sign-in codes (验证码登录): a 6-digit code for a phone that has a parent account, sent through the code
channel, valid 10 minutes, at most 5 tries, used once; stored as an HMAC with the secret key, never in clear.

Asking for a code answers the same whether or not the phone has an account (no enumeration); asking and trying are
throttled per phone and address. The channel is chosen in `code_channel` alone: SMS to the account's phone when an
SMS provider is configured with a login_code template (eduflow.notifications.sms), else e-mail to the Parent rows'
address when SMTP is configured.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import logging
import secrets
import smtplib

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select, update

from eduflow import audit
from eduflow.access.scopes import children_of
from eduflow.auth.services import LoginResult
from eduflow.auth.throttle import NO_WAIT, record_attempt, throttle_key, wait_before_next_attempt
from eduflow.extensions import db
from eduflow.mail import mail_configured, send_mail
from eduflow.models import LoginAttempt, Parent, ParentAccount, ParentLoginCode, Student, utcnow
from eduflow.notifications import sms
from eduflow.notifications.providers import NotSent
from eduflow.parents.accounts import account_for_phone, has_children, phone_key

VALID_FOR = dt.timedelta(minutes=10)
MAX_TRIES = 5
REQUESTS_PER_PHONE = 5  # codes one phone may be sent per REQUEST_WINDOW, from any address
REQUEST_WINDOW = dt.timedelta(hours=1)
EMAIL, SMS = "email", "sms"
log = logging.getLogger(__name__)


def code_channel() -> str | None:
    """How codes reach parents here, or None when no channel is configured (no code sign-in offered)."""
    if sms.can_send(sms.LOGIN_CODE):
        return SMS
    return EMAIL if mail_configured() else None


def _request_name(phone: str) -> str:
    return "parent-code-ask:" + (phone_key(phone) or "invalid")[:40]


def _try_name(phone: str) -> str:
    return "parent-code:" + (phone_key(phone) or "invalid")[:44]


def code_hash(account_id: int, code: str) -> str:
    """What is stored of a code: an HMAC with the secret key, bound to the account."""
    key = current_app.config["SECRET_KEY"]
    key = key.encode() if isinstance(key, str) else key
    return hmac.new(key, f"{account_id}:{code}".encode(), hashlib.sha256).hexdigest()


def request_code(phone: str, ip: str) -> dt.timedelta:
    """Send a code to the phone's parent if there is one (the answer never says); the wait when throttled, else
    NO_WAIT. The caller commits, whatever the answer."""
    name = _request_name(phone)
    wait = max(wait_before_next_attempt(name, ip), _phone_wait(name))
    if wait > NO_WAIT:
        audit.record("parent_code_throttled", "parent_accounts")
        return wait
    record_attempt(name, ip, False)  # every request counts towards the limits
    account = account_for_phone(phone)
    channel = code_channel()
    sent = bool(account and channel and account.is_active and has_children(account))
    if sent:
        code = f"{secrets.randbelow(10 ** 6):06d}"
        db.session.add(ParentLoginCode(account_id=account.id, code_hash=code_hash(account.id, code),
                                       expires_at=utcnow() + VALID_FOR))
        db.session.flush()
        deliver_code(account, code, channel)
    audit.record("parent_code_requested", "parent_accounts", account.id if sent else None)
    return NO_WAIT


def _phone_wait(name: str) -> dt.timedelta:
    """Until the oldest of the phone's last REQUESTS_PER_PHONE requests leaves the window (any address)."""
    now = utcnow()
    oldest = db.session.scalar(
        select(LoginAttempt.attempted_at).where(LoginAttempt.username == throttle_key(name),
                                                LoginAttempt.attempted_at >= now - REQUEST_WINDOW)
        .order_by(LoginAttempt.attempted_at.desc(), LoginAttempt.id.desc())
        .offset(REQUESTS_PER_PHONE - 1).limit(1))
    return NO_WAIT if oldest is None else oldest + REQUEST_WINDOW - now


def code_addresses(account: ParentAccount) -> list[str]:
    """The e-mail addresses on the Parent rows of the account's phone whose child it may still see."""
    rows = db.session.scalars(select(Parent).join(Student, Student.id == Parent.student_id).where(
        Parent.phone_hash == account.phone_hash, children_of(account), Parent.portal_revoked_at.is_(None)))
    return sorted({row.email.strip() for row in rows if row.email and row.email.strip()})


def deliver_code(account: ParentAccount, code: str, channel: str) -> None:
    """Send the code through the channel; a provider or mail server that is away is logged, the parent may ask
    again."""
    if channel == SMS:
        try:
            sms.send_sms(account.phone, sms.LOGIN_CODE, {"code": code})
        except NotSent as error:
            log.warning("the sign-in code for parent account %s could not be sent by SMS: %s", account.id, error)
        return
    subject = _("EduFlow 家长端登录验证码")
    body = _("您的登录验证码是 %(code)s，%(minutes)s 分钟内有效。如非本人操作，请忽略此邮件。",
             code=code, minutes=int(VALID_FOR.total_seconds() // 60))
    for address in code_addresses(account) if channel == EMAIL else ():
        try:
            send_mail(address, subject, body)
        except (smtplib.SMTPException, OSError):
            log.warning("the sign-in code for parent account %s could not be e-mailed", account.id, exc_info=True)


def sign_in_with_code(phone: str, code: str, ip: str) -> LoginResult:
    """Check a typed code against the phone's latest one; a wrong code uses up one of its tries. Audited; the
    caller commits."""
    name = _try_name(phone)
    wait = wait_before_next_attempt(name, ip)
    if wait > NO_WAIT:
        audit.record("parent_login_throttled", "parent_accounts")
        return LoginResult(wait=wait)
    account = account_for_phone(phone)
    latest = _latest_code(account) if account else None
    ok = latest is not None and hmac.compare_digest(latest.code_hash, code_hash(account.id, (code or "").strip()))
    if latest is not None and not ok:
        db.session.execute(update(ParentLoginCode).where(ParentLoginCode.id == latest.id)
                           .values(attempts=ParentLoginCode.attempts + 1).execution_options(synchronize_session=False))
    ok = ok and account.is_active and has_children(account) and _use(latest)
    record_attempt(name, ip, ok)
    audit.record("parent_login_ok" if ok else "parent_login_failed", "parent_accounts",
                 account.id if account else None, {"via": [None, "code"]}, parent_account_id=account.id if ok else None)
    return LoginResult(user=account) if ok else LoginResult(wait=wait_before_next_attempt(name, ip))


def _latest_code(account: ParentAccount) -> ParentLoginCode | None:
    """The account's newest code while it may still be tried (a newer request replaces the older code)."""
    newest = db.session.scalar(select(func.max(ParentLoginCode.id)).where(ParentLoginCode.account_id == account.id))
    code = db.session.get(ParentLoginCode, newest) if newest else None
    usable = code is not None and code.used_at is None and code.expires_at > utcnow() and code.attempts < MAX_TRIES
    return code if usable else None


def _use(code: ParentLoginCode) -> bool:
    """Mark the code used, once: of two requests with the same code only one signs in."""
    used = db.session.execute(update(ParentLoginCode).where(ParentLoginCode.id == code.id,
                                                            ParentLoginCode.used_at.is_(None))
                              .values(used_at=utcnow()).execution_options(synchronize_session=False))
    return used.rowcount == 1
