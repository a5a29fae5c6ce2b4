"""Notifications (通知): events become messages in the same transaction (`outbox`), the task queue delivers them
(`delivery`, on huey: `queue`), in each recipient's language (`texts`); parents read theirs in the portal inbox."""
from __future__ import annotations


def init_app(app) -> None:
    """Listen for commits (the outbox hands its messages to the queue) and, when EDUFLOW_QUEUE_IMMEDIATE is set
    (the tests), run each task in place instead of in the worker."""
    from eduflow.notifications import outbox  # noqa: F401 - registers the session listeners
    from eduflow.notifications.queue import huey

    huey.immediate = bool(app.config.get("EDUFLOW_QUEUE_IMMEDIATE"))
