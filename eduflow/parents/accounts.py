"""Parent accounts: found by phone number (the blind index), signed in with a password, throttled like staff.

A parent may sign in only while at least one child is linked to the phone (a Parent row staff did not revoke).
Signed in from WeChat's browser, the account is bound to the parent's openid at the school's Official Account
(`bind_wechat`), through a short-lived signed `wechat_state`, so WeChat template messages can reach them.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
import time

from flask import current_app
from flask_login import login_user
from sqlalchemy import func, select

from eduflow import audit
from eduflow.access.scopes import children_of
from eduflow.auth.services import LoginResult
from eduflow.auth.throttle import NO_WAIT, record_attempt, wait_before_next_attempt
from eduflow.extensions import db
from eduflow.models import ParentAccount, Student, utcnow
from eduflow.security.crypto import blind_index
from eduflow.security.passwords import hash_password, needs_rehash, verify_password
from eduflow.security.phones import normalise_phone, parse_phone

REMEMBER_FOR = dt.timedelta(days=30)  # 记住我 on a parent's phone
_DUMMY_HASH = None


def load_parent(session_id: str) -> ParentAccount | None:
    """The parent account a session names ("<id>:<token>", the part after the "p")."""
    account_id, _, token = session_id.partition(":")
    if not account_id.isdigit():
        return None
    account = db.session.get(ParentAccount, int(account_id))
    if account is None or not account.is_active or not secrets.compare_digest(account.session_token, token):
        return None
    return account


def phone_key(phone: str) -> str | None:
    """The blind index of a typed phone number, or None when it is no phone number at all."""
    if not phone or parse_phone(phone) is None:
        return None
    return blind_index(normalise_phone(phone))


def account_for_phone(phone: str) -> ParentAccount | None:
    key = phone_key(phone)
    return db.session.scalar(select(ParentAccount).where(ParentAccount.phone_hash == key)) if key else None


def has_children(account: ParentAccount) -> bool:
    """Whether any student is still linked to the account's phone (access not revoked)."""
    return bool(db.session.scalar(select(func.count(Student.id)).where(children_of(account))))


def throttle_name(phone: str) -> str:
    """How throttling and the attempt log name a parent's phone: never the number itself."""
    return "parent:" + (phone_key(phone) or "invalid")[:48]


def authenticate_parent(phone: str, password: str, ip: str) -> LoginResult:
    """Check a parent's phone and password, record the attempt and audit it; the caller commits."""
    global _DUMMY_HASH
    name = throttle_name(phone)
    wait = wait_before_next_attempt(name, ip)
    if wait > NO_WAIT:
        audit.record("parent_login_throttled", "parent_accounts")
        return LoginResult(wait=wait)
    account = account_for_phone(phone)
    if account is None:
        _DUMMY_HASH = _DUMMY_HASH or hash_password("timing-equaliser")
        verify_password(_DUMMY_HASH, password)
    ok = (account is not None and account.is_active and verify_password(account.password_hash, password)
          and has_children(account))
    record_attempt(name, ip, ok)
    audit.record("parent_login_ok" if ok else "parent_login_failed", "parent_accounts",
                 account.id if account else None, parent_account_id=account.id if ok else None)
    if not ok:
        return LoginResult(wait=wait_before_next_attempt(name, ip))
    if needs_rehash(account.password_hash):
        account.password_hash = hash_password(password)
    return LoginResult(user=account)


def sign_in(account: ParentAccount, remember: bool) -> None:
    """Start the parent's session (30 days with 记住我) and note when they last signed in; the caller commits."""
    account.last_login_at = utcnow()
    login_user(account, remember=remember, duration=REMEMBER_FOR)


def new_session_token() -> str:
    return secrets.token_hex(16)


def log_out(account: ParentAccount) -> None:
    """退出登录 ends the parent's sessions on every device."""
    account.session_token = new_session_token()
    audit.record("parent_logout", "parent_accounts", account.id, parent_account_id=account.id)


WECHAT_STATE_SECONDS = 600  # the time WeChat's OAuth2 round trip may take


def _state_signature(account: ParentAccount, issued: int) -> str:
    key = current_app.config["SECRET_KEY"]
    key = key.encode() if isinstance(key, str) else key
    message = f"wechat-bind:{account.id}:{issued}:{account.session_token}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()[:40]


def wechat_state(account: ParentAccount) -> str:
    """The OAuth2 `state` naming the signed-in account: letters and digits only (as WeChat wants), signed with the
    secret key and the account's session, valid WECHAT_STATE_SECONDS."""
    issued = int(time.time())
    return f"{account.id}Z{issued}Z{_state_signature(account, issued)}"


def state_is_for(account: ParentAccount, state: str) -> bool:
    """Whether `state` was issued for this account's session and is still fresh."""
    parts = (state or "").split("Z")
    if len(parts) != 3 or not all(part.isascii() and part.isalnum() for part in parts):
        return False
    account_id, issued, signature = parts
    if account_id != str(account.id) or not issued.isdigit() or len(issued) > 12:
        return False
    fresh = 0 <= time.time() - int(issued) <= WECHAT_STATE_SECONDS
    return fresh and hmac.compare_digest(signature, _state_signature(account, int(issued)))


def bind_wechat(account: ParentAccount, openid: str) -> None:
    """Bind the WeChat openid to the account; an account that held it loses it (one WeChat user reaches one
    account). The caller commits."""
    if account.wechat_openid == openid:
        return
    for other in db.session.scalars(select(ParentAccount).where(ParentAccount.wechat_openid == openid,
                                                                ParentAccount.id != account.id)):
        other.wechat_openid = None
    db.session.flush()  # the old holder lets go before the unique column takes it
    account.wechat_openid = openid
    audit.record("parent_wechat_bound", "parent_accounts", account.id, parent_account_id=account.id)
