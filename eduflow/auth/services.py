"""Authentication rules: password check, throttling counted in the database, session tokens."""
from __future__ import annotations

import datetime as dt
import math
import secrets
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from eduflow import audit
from eduflow.auth.throttle import NO_WAIT, record_attempt, wait_before_next_attempt
from eduflow.extensions import db, login_manager
from eduflow.models import User
from eduflow.security.passwords import hash_password, needs_rehash, verify_password
from eduflow.security.strength import account_words, require_strong_password

# Verified against when the username is unknown, so timing does not reveal which names exist.
_DUMMY_HASH = None


@login_manager.user_loader
def load_user(session_id: str) -> User | None:
    """The account a session or remember cookie names: "<id>:<token>" for staff, "p<id>:<token>" for a parent."""
    if session_id.startswith("p"):
        from eduflow.parents.accounts import load_parent

        return load_parent(session_id[1:])
    user_id, _, token = session_id.partition(":")
    if not user_id.isdigit():
        return None
    # the layout shows the user's campus on every page: loaded with the user, not by a second statement
    user = db.session.get(User, int(user_id), options=[joinedload(User.campus)])
    if user is None or not user.is_active or not secrets.compare_digest(user.session_token, token):
        return None
    return user


def new_session_token() -> str:
    return secrets.token_hex(16)


@dataclass
class LoginResult:
    user: User | None = None
    wait: dt.timedelta = NO_WAIT  # set when this address must wait before trying the account again

    @property
    def throttled(self) -> bool:
        return self.wait > NO_WAIT

    @property
    def wait_minutes(self) -> int:
        """The wait in whole minutes, rounded up, as the message tells it."""
        return max(1, math.ceil(self.wait.total_seconds() / 60))


def authenticate(username: str, password: str, ip: str) -> LoginResult:
    """Check a login attempt, record it and audit it; the caller commits."""
    global _DUMMY_HASH
    username = username.strip()
    wait = wait_before_next_attempt(username, ip)
    if wait > NO_WAIT:
        audit.record("login_throttled", "users", changes={"username": username[:64]})
        return LoginResult(wait=wait)
    user = db.session.scalar(select(User).where(User.username == username))
    if user is None:
        _DUMMY_HASH = _DUMMY_HASH or hash_password("timing-equaliser")
        verify_password(_DUMMY_HASH, password)
    ok = user is not None and user.is_active and verify_password(user.password_hash, password)
    record_attempt(username, ip, ok)
    audit.record("login_ok" if ok else "login_failed", "users", user.id if user else None,
                 {"username": username[:64]}, actor_id=user.id if ok else None)
    if not ok:
        return LoginResult(wait=wait_before_next_attempt(username, ip))
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return LoginResult(user=user)


def end_sessions(user: User) -> None:
    """Sign the user out everywhere: every session and remember cookie carries the token this replaces."""
    user.session_token = new_session_token()


def log_out(user: User) -> None:
    """退出登录 ends the user's sessions on every device (a shared tablet must not stay signed in)."""
    end_sessions(user)
    audit.record("logout", "users", user.id, actor_id=user.id)


def set_password(user: User, password: str) -> None:
    """Set a new password (refused with WeakPassword when easy to guess) and end every session of this user."""
    require_strong_password(password, user_words(user))
    user.password_hash = hash_password(password)
    end_sessions(user)


def user_words(user: User) -> list[str]:
    """The account's own words, which its password must not lean on."""
    return account_words(username=user.username, display_name=user.display_name, email=user.email)
