"""Notifications (通知): events become messages in the same transaction (`outbox`), the task queue delivers them
(`delivery`, on huey: `queue`), in each recipient's language (`texts`); parents read theirs in the portal inbox.
The family's events come from their causes: marks (eduflow.attendance.notices), payments, lesson changes and renewal
reminders (`family_events`), and the evening-before lesson reminder, a periodic task of the worker (`reminders`)."""
from __future__ import annotations


def init_app(app) -> None:
    """Listen for commits (the outbox hands its events to the queue). An app with EDUFLOW_QUEUE_IMMEDIATE set (the
    tests) does the queue's work in place, right after the commit; the choice is the app's, not the process's."""
    from eduflow.notifications import outbox  # noqa: F401 - registers the session listeners
