"""Authentication rules: password check, throttling counted in the database, session tokens."""
from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import func, select

from eduflow import audit
from eduflow.extensions import db, login_manager
from eduflow.models import LoginAttempt, User, utcnow
from eduflow.security.passwords import hash_password, needs_rehash, verify_password

# Verified against when the username is unknown, so timing does not reveal which names exist.
_DUMMY_HASH = None


@login_manager.user_loader
def load_user(session_id: str) -> User | None:
    user_id, _, token = session_id.partition(":")
    if not user_id.isdigit():
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not user.is_active or not secrets.compare_digest(user.session_token, token):
        return None
    return user


def new_session_token() -> str:
    return secrets.token_hex(16)


@dataclass
class LoginResult:
    user: User | None = None
    throttled: bool = False


def _recent_failures(column, value: str, since: dt.datetime) -> int:
    last_success = select(func.max(LoginAttempt.attempted_at)).where(column == value, LoginAttempt.succeeded)
    return db.session.scalar(
        select(func.count(LoginAttempt.id)).where(
            column == value,
            LoginAttempt.succeeded.is_(False),
            LoginAttempt.attempted_at >= since,
            LoginAttempt.attempted_at > func.coalesce(last_success.scalar_subquery(), since),
        )
    )


def is_throttled(username: str, ip: str) -> bool:
    config = current_app.config
    since = utcnow() - dt.timedelta(minutes=config["LOGIN_THROTTLE_MINUTES"])
    return (
        _recent_failures(LoginAttempt.username, username, since) >= config["LOGIN_MAX_FAILURES_PER_USER"]
        or _recent_failures(LoginAttempt.ip, ip, since) >= config["LOGIN_MAX_FAILURES_PER_IP"]
    )


def authenticate(username: str, password: str, ip: str) -> LoginResult:
    """Check a login attempt, record it and audit it; the caller commits."""
    global _DUMMY_HASH
    username = username.strip()
    if is_throttled(username, ip):
        db.session.add(LoginAttempt(username=username[:64], ip=ip, succeeded=False))
        audit.record("login_throttled", "users", changes={"username": username[:64]})
        return LoginResult(throttled=True)
    user = db.session.scalar(select(User).where(User.username == username))
    if user is None:
        _DUMMY_HASH = _DUMMY_HASH or hash_password("timing-equaliser")
        verify_password(_DUMMY_HASH, password)
    ok = user is not None and user.is_active and verify_password(user.password_hash, password)
    db.session.add(LoginAttempt(username=username[:64], ip=ip, succeeded=ok))
    audit.record("login_ok" if ok else "login_failed", "users", user.id if user else None,
                 {"username": username[:64]}, actor_id=user.id if ok else None)
    if ok and needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return LoginResult(user=user if ok else None)


def set_password(user: User, password: str) -> None:
    """Set a new password and end every other session of this user."""
    user.password_hash = hash_password(password)
    user.session_token = new_session_token()
