"""`flask --app eduflow notifications worker`: the queue's consumer, which delivers e-mail and the other channels."""
from __future__ import annotations

import click
from flask.cli import AppGroup, with_appcontext

notifications_cli = AppGroup("notifications", help="Deliver notifications (the task queue's worker).")


@notifications_cli.command("worker")
@click.option("--workers", default=2, show_default=True, help="Threads sending at once.")
@with_appcontext
def worker(workers: int) -> None:
    """Run the huey consumer until stopped (Ctrl-C); on several servers run one per server against Redis."""
    from eduflow.notifications.queue import huey

    huey.create_consumer(workers=workers, worker_type="thread").run()
