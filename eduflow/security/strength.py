"""Password strength: zxcvbn's estimate of how many guesses a password takes, plus our own common list.

One rule for every place a password is set (new account, admin reset, own change, `create-admin`):
at least MIN_LENGTH characters, not a common password, and a zxcvbn score of at least MIN_SCORE
("safely unguessable" for an online attacker and expensive offline). The account's own username,
name and e-mail count as cheap guesses, as do the words in common_passwords.txt.
"""
from __future__ import annotations

import threading
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

from flask_babel import gettext as _
from zxcvbn import zxcvbn

from eduflow.domain import DomainError
from eduflow.security.passwords import MIN_LENGTH

MIN_SCORE = 3
COMMON_FILE = Path(__file__).with_name("common_passwords.txt")
# zxcvbn refuses longer input; a longer password is at least as strong as its first 72 characters.
_ESTIMATED_LENGTH = 72
# zxcvbn keeps the user's words in a module-level dictionary while it scores: one estimate at a time.
_lock = threading.Lock()


class WeakPassword(DomainError):
    """The password is too easy to guess; the message says why."""


@lru_cache(maxsize=1)
def common_passwords() -> tuple[str, ...]:
    lines = (line.strip().lower() for line in COMMON_FILE.read_text(encoding="utf-8").splitlines())
    return tuple(line for line in lines if line and not line.startswith("#"))


def password_problem(password: str, user_inputs: Iterable[str | None] = ()) -> str | None:
    """Why this password may not be set (a message for the person), or None when it is strong enough."""
    if len(password) < MIN_LENGTH:
        return _("密码至少需要 %(n)s 个字符。", n=MIN_LENGTH)
    if password.strip().lower() in common_passwords():
        return _("这是常见密码，很容易被猜到，请换一个。")
    words = [word for word in user_inputs if word] + list(common_passwords())
    with _lock:
        score = zxcvbn(password[:_ESTIMATED_LENGTH], user_inputs=words)["score"]
    if score < MIN_SCORE:
        return _("密码太容易被猜到：请避免姓名、用户名、生日和简单规律，可用几个不相关的词语连成较长的密码。")
    return None


def require_strong_password(password: str, user_inputs: Iterable[str | None] = ()) -> None:
    problem = password_problem(password, user_inputs)
    if problem:
        raise WeakPassword(problem)


def account_words(*, username: str | None = None, display_name: str | None = None,
                  email: str | None = None) -> list[str]:
    """The words of an account that its password must not lean on."""
    return [word for word in (username, display_name, email, (email or "").partition("@")[0]) if word]
