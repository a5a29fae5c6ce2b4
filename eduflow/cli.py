"""Command-line tasks: `flask --app eduflow create-admin | demo-data | seed-reference`."""
from __future__ import annotations

import click
from flask import Flask
from sqlalchemy import select

from eduflow.extensions import db


def register_cli(app: Flask) -> None:
    app.cli.add_command(create_admin)
    app.cli.add_command(demo_data)

    from eduflow.jobs import jobs_cli

    app.cli.add_command(jobs_cli)

    from eduflow.benchmark import benchmark_command

    app.cli.add_command(benchmark_command)

    from eduflow.benchdata.command import bench_data_command

    app.cli.add_command(bench_data_command)

    from eduflow.rollups import rollups_cli

    app.cli.add_command(rollups_cli)

    from eduflow.notifications.command import notifications_cli

    app.cli.add_command(notifications_cli)

    from eduflow.backup import backup_command, restore_command

    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)


@click.command("create-admin")
@click.option("--username", prompt=True)
@click.option("--display-name", default="系统管理员", show_default=True)
@click.password_option()
def create_admin(username: str, display_name: str, password: str) -> None:
    """Create an administrator account (or refuse if the username is taken)."""
    from eduflow.admin.services import UserError, create_user
    from eduflow.models import Role
    from eduflow.reference import ensure_reference_data

    ensure_reference_data()  # create_user refuses a weak password (the rule every password follows)
    try:
        user = create_user(username=username, display_name=display_name, role=Role.ADMIN, campus=None,
                           password=password)
    except UserError as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from error
    db.session.commit()
    click.echo(f"Created admin {user.username}.")


@click.command("demo-data")
@click.option("--if-empty", is_flag=True, help="Do nothing when the database already has users.")
@click.option("--seed", default=2024, show_default=True, help="Random seed, for a repeatable school.")
def demo_data(if_empty: bool, seed: int) -> None:
    """Load a realistic demo school (2 campuses, staff, ~300 leads, students, lessons)."""
    from eduflow.demo import DEMO_PASSWORD, load_demo_data
    from eduflow.models import User

    if db.session.scalar(select(User.id).limit(1)) is not None:
        if if_empty:
            click.echo("Database already has data; demo data not loaded.")
            return
        raise click.ClickException("The database already has users: demo data goes into an empty database.")
    counts = load_demo_data(seed=seed)
    click.echo("Demo school loaded: " + ", ".join(f"{name} {n}" for name, n in counts.items()))
    click.echo(f"Demo logins (password {DEMO_PASSWORD}): admin, manager1, sales1, sales2, academic1, teacher1, teacher3, "
               "manager2, sales3, teacher2")
    click.echo("Parent logins at /p/login (same password): 13800000001 (two children), 13800000002")
