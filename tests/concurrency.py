"""Many hands at the same moment: threads released together by a barrier, each in its own app context and
database session, as concurrent requests run in production (the at-once tests of submissions, taps, leave, moves)."""
from __future__ import annotations

import threading
from typing import Callable

from eduflow.extensions import db


def at_once(app, count: int, work: Callable[[], object], timeout: float = 120) -> list:
    """Run `work()` in `count` threads started at the same moment; each thread's result, or the exception it
    raised (the test reports it). Each thread's session is removed when it ends."""
    start, outcomes = threading.Barrier(count), []

    def run():
        with app.app_context():
            try:
                start.wait()
                outcomes.append(work())
            except Exception as exc:  # noqa: BLE001 - reported by the test
                outcomes.append(exc)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    return outcomes


def posts_at_once(app, client, count: int, url: str, data: dict, headers: dict | None = None) -> list:
    """`count` clients sharing `client`'s signed-in session post the same form at once; their answers (or
    exceptions)."""
    cookie = client.get_cookie("session")

    def post():
        other = app.test_client()
        other.set_cookie("session", cookie.value)
        return other.post(url, data=data, headers=headers or {})

    return at_once(app, count, post)
