"""`flask --app eduflow notifications purge --days 90`: delete the outbox's events that were fanned out long ago.

An event is only the outbox's note of what happened; once fanned out, its messages (table notifications) are the
record staff and parents read, and they stay. The messages' own unique key (event, recipient, channel) keeps a late
retry of a purged event from writing a message twice. Events not yet fanned out are never deleted. Deleted in
batches, each its own short transaction, so a large backlog never holds a long lock.
"""
from __future__ import annotations

import datetime as dt

import click
from flask.cli import with_appcontext
from sqlalchemy import delete, select

from eduflow.extensions import db
from eduflow.models import NotificationEvent, utcnow
from eduflow.notifications.command import notifications_cli

DEFAULT_DAYS = 90
BATCH = 1000


def purge_events(days: int = DEFAULT_DAYS, batch: int = BATCH, now: dt.datetime | None = None) -> int:
    """Delete the events fanned out and created more than `days` days ago, `batch` at a time; how many."""
    before = (now or utcnow()) - dt.timedelta(days=days)
    deleted = 0
    while True:
        ids = list(db.session.scalars(select(NotificationEvent.id).where(
            NotificationEvent.created_at < before, NotificationEvent.fanned_out_at.is_not(None))
            .order_by(NotificationEvent.id).limit(batch)))
        if not ids:
            return deleted
        db.session.execute(delete(NotificationEvent).where(NotificationEvent.id.in_(ids)))
        db.session.commit()
        deleted += len(ids)


@notifications_cli.command("purge")
@click.option("--days", default=DEFAULT_DAYS, show_default=True, type=click.IntRange(min=1),
              help="Delete events older than this many days.")
@click.option("--batch", default=BATCH, show_default=True, type=click.IntRange(min=1, max=100_000),
              help="Events deleted per transaction.")
@with_appcontext
def purge_command(days: int, batch: int) -> None:
    """Delete fanned-out notification events older than --days (the messages themselves are kept)."""
    count = purge_events(days, batch)
    click.echo(f"Deleted {count} notification events older than {days} days; messages are kept.")
