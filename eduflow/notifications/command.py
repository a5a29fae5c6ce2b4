"""`flask --app eduflow notifications worker`: the queue's consumer, which delivers e-mail and the other channels and
records the evening-before lesson reminders; `notifications remind` records those reminders by hand."""
from __future__ import annotations

import click
from flask.cli import AppGroup, with_appcontext

notifications_cli = AppGroup("notifications", help="Deliver notifications (the task queue's worker).")


def register_tasks() -> None:
    """Import every module that defines the queue's tasks: the consumer runs only the tasks it knows of."""
    from eduflow.notifications import delivery, reminders  # noqa: F401 - their tasks register with huey on import


@notifications_cli.command("worker")
@click.option("--workers", default=2, show_default=True, help="Threads sending at once.")
@with_appcontext
def worker(workers: int) -> None:
    """Run the huey consumer until stopped (Ctrl-C); on several servers run one per server against Redis."""
    from eduflow.notifications.queue import huey

    register_tasks()
    huey.create_consumer(workers=workers, worker_type="thread").run()


@notifications_cli.command("remind")
@click.option("--date", "day", type=click.DateTime(formats=["%Y-%m-%d"]),
              help="Remind of this date's lessons not yet begun, at every campus, now (default: tomorrow's lessons "
                   "at the campuses whose reminder time has passed, as the worker does).")
@with_appcontext
def remind(day) -> None:
    """Record the lesson reminders (上课提醒) that are due; a reminder already recorded is not recorded again."""
    from eduflow.notifications.reminders import remind_now, sweep_reminders

    count = remind_now(day.date()) if day else sweep_reminders()
    click.echo(f"{count} lesson reminder(s) recorded.")
