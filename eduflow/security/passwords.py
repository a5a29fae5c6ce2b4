"""Password hashing with Argon2id at OWASP's recommended strength."""
from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from flask import current_app, has_app_context

# OWASP Password Storage Cheat Sheet: Argon2id with m=46 MiB, t=1, p=1.
_production = PasswordHasher(time_cost=1, memory_cost=47104, parallelism=1)
# Tests hash hundreds of passwords; they opt into a cheap (still Argon2id) setting explicitly.
_fast = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
MIN_LENGTH = 8


def _hasher() -> PasswordHasher:
    if has_app_context() and current_app.config.get("FAST_PASSWORD_HASHING"):
        return _fast
    return _production


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    if not password_hash:
        return False
    try:
        return _hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher().check_needs_rehash(password_hash)
