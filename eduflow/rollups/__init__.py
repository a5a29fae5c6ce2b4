"""Report figures kept as daily rollups: written in the same transaction as the act they count.

A report over a year reads a few hundred rollup rows, not a year of raw rows. Each rollup module
(`sales_raw`: leads, follow-ups, stage moves, six-speed sheets, referrals; `school`: attendance, lessons
consumed, payments, refunds, renewals) exposes the same two functions:

- `rebuild()`: recompute its rollups from the raw rows (after a bulk load, or to repair);
- `differences() -> list[str]`: what disagrees between its rollups and the raw rows (empty: equal).

`flask --app eduflow rollups rebuild | verify` runs them all.
"""
from __future__ import annotations

import importlib

import click
from flask.cli import AppGroup

MODULES = ("eduflow.rollups.sales_raw", "eduflow.rollups.school")


def _modules():
    return [importlib.import_module(name) for name in MODULES]


def rebuild_all() -> None:
    """Recompute every rollup from the raw rows; the caller commits."""
    for module in _modules():
        module.rebuild()


def differences_all() -> list[str]:
    """Every disagreement between a rollup and its raw rows (empty when all are equal)."""
    return [difference for module in _modules() for difference in module.differences()]


rollups_cli = AppGroup("rollups", help="Rebuild or verify the report rollups.")


@rollups_cli.command("rebuild")
def rebuild_command() -> None:
    """Recompute every report rollup from the raw rows."""
    from eduflow.extensions import db

    rebuild_all()
    db.session.commit()
    click.echo("Rollups rebuilt.")


@rollups_cli.command("verify")
def verify_command() -> None:
    """Exit non-zero when a rollup disagrees with the raw rows it counts."""
    found = differences_all()
    for line in found[:50]:
        click.echo(line)
    if found:
        raise click.ClickException(f"{len(found)} rollup figures disagree with the raw rows")
    click.echo("Rollups equal the raw rows.")
