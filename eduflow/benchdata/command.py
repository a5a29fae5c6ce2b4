"""`flask --app eduflow bench-data`: fill a database with large benchmark campuses."""
from __future__ import annotations

import dataclasses
import time

import click
from flask import current_app

KEYS = ("SECRET_KEY", "EDUFLOW_DATA_KEYS", "EDUFLOW_ACTIVE_DATA_KEY_ID", "EDUFLOW_INDEX_KEY")


@click.command("bench-data")
@click.option("--campuses", default=1, show_default=True, help="Benchmark campuses to add.")
@click.option("--scale", default=1.0, show_default=True, help="Multiplies every count (1.0: 100,000 leads).")
@click.option("--seed", default=7, show_default=True, help="Random seed, for a repeatable school.")
@click.option("--database-url", default=None,
              help="An EMPTY database to migrate and fill (default: the configured database, already migrated).")
def bench_data_command(campuses: int, scale: float, seed: int, database_url: str | None) -> None:
    """Add large benchmark campuses (leads, follow-ups, students, lessons, attendance) and print the sample."""
    started = time.perf_counter()

    def progress(message: str) -> None:
        click.echo(f"{time.perf_counter() - started:7.1f}s  {message}")

    if database_url is None:
        found = _fill(campuses, scale, seed, progress)
    else:
        from flask_migrate import upgrade

        from eduflow import create_app
        from eduflow.extensions import db

        app = create_app({key: current_app.config[key] for key in KEYS} | {"SQLALCHEMY_DATABASE_URI": database_url})
        with app.app_context():
            upgrade()
            found = _fill(campuses, scale, seed, progress)
            db.engine.dispose()
    click.echo(f"built {campuses} campus(es) at scale {scale} in {time.perf_counter() - started:.1f}s")
    for name, value in dataclasses.asdict(found).items():
        click.echo(f"{name}: {value}")


def _fill(campuses: int, scale: float, seed: int, progress):
    from eduflow.benchdata import build

    return build(campuses, scale, seed, progress=progress)
