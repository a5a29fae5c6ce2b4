"""Sign-in throttling, counted in the database so that it holds across app servers and restarts.

Two rules, both read from `login_attempts`:
- per (account, address): after LOGIN_FREE_FAILURES failures in a row, the next attempt waits 1 minute
  after the last failure, then 2, 4 … up to LOGIN_MAX_DELAY_SECONDS. A success from that address starts
  the count again. Failures from another address never delay this one, so nobody can lock a colleague out.
- per address: at most LOGIN_MAX_FAILURES_PER_IP failures in LOGIN_IP_WINDOW_MINUTES, whichever accounts
  they were for (password spraying from one machine).
Refused attempts are not recorded as failures: waiting out a delay is never made longer by trying.
"""
from __future__ import annotations

import datetime as dt

from flask import current_app
from sqlalchemy import func, select

from eduflow.extensions import db
from eduflow.models import LoginAttempt, utcnow

NO_WAIT = dt.timedelta(0)


def throttle_key(username: str) -> str:
    """The account as throttling counts it: accounts are unique regardless of case."""
    return username.strip().lower()[:64]


def record_attempt(username: str, ip: str, succeeded: bool) -> None:
    db.session.add(LoginAttempt(username=throttle_key(username), ip=ip[:45], succeeded=succeeded))
    db.session.flush()


def wait_before_next_attempt(username: str, ip: str, now: dt.datetime | None = None) -> dt.timedelta:
    """How long this address must wait before trying this account again (zero: it may try now)."""
    now = now or utcnow()
    return max(_pair_wait(throttle_key(username), ip[:45], now), _address_wait(ip[:45], now), NO_WAIT)


def delay_after(failures: int) -> dt.timedelta:
    """The wait after `failures` failures in a row: none at first, then doubling from the first delay, capped."""
    config = current_app.config
    over = failures - config["LOGIN_FREE_FAILURES"]
    if over < 0:
        return NO_WAIT
    seconds = config["LOGIN_FIRST_DELAY_SECONDS"] * 2 ** min(over, 32)
    return dt.timedelta(seconds=min(seconds, config["LOGIN_MAX_DELAY_SECONDS"]))


def _pair_wait(key: str, ip: str, now: dt.datetime) -> dt.timedelta:
    pair = (LoginAttempt.username == key, LoginAttempt.ip == ip)
    # Ids, not times, order a success and a failure: MariaDB keeps whole seconds only.
    last_success = select(func.max(LoginAttempt.id)).where(*pair, LoginAttempt.succeeded).scalar_subquery()
    since = now - dt.timedelta(hours=current_app.config["LOGIN_FAILURE_MEMORY_HOURS"])
    failures, last_failure = db.session.execute(
        select(func.count(LoginAttempt.id), func.max(LoginAttempt.attempted_at)).where(
            *pair, LoginAttempt.succeeded.is_(False), LoginAttempt.attempted_at >= since,
            LoginAttempt.id > func.coalesce(last_success, 0),
        )
    ).one()
    if not failures:
        return NO_WAIT
    return last_failure + delay_after(failures) - now


def _address_wait(ip: str, now: dt.datetime) -> dt.timedelta:
    """Until the oldest failure that keeps the address at its cap leaves the window."""
    config = current_app.config
    window = dt.timedelta(minutes=config["LOGIN_IP_WINDOW_MINUTES"])
    at_cap = db.session.scalar(
        select(LoginAttempt.attempted_at)
        .where(LoginAttempt.ip == ip, LoginAttempt.succeeded.is_(False), LoginAttempt.attempted_at >= now - window)
        .order_by(LoginAttempt.attempted_at.desc(), LoginAttempt.id.desc())
        .offset(config["LOGIN_MAX_FAILURES_PER_IP"] - 1).limit(1)
    )
    return NO_WAIT if at_cap is None else at_cap + window - now
