"""Scheduled rules, idempotent and safe to run twice at once (`flask --app eduflow jobs run`).

Each rule finds what is due and changes it with conditional statements, so a second run, or a
run racing this one, finds nothing left to do. Rules return one line per change made (or, with
dry_run, that would be made).
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Callable

import click
from flask.cli import AppGroup
from sqlalchemy import and_, case, delete, func, insert, or_, select, update
from sqlalchemy.exc import IntegrityError, OperationalError

from eduflow.enrollments.reminders import renewal_reminders
from eduflow.extensions import db, optimize_statistics
from eduflow.locks import exclusive
from eduflow.leads.pool import record_return
from eduflow.leads.stages import OPEN_STAGES
from eduflow.students.suspensions import suspension_dates
from eduflow.models import (
    Campus, Enrollment, Lead, Payment, Settings, Student, Tag, lead_tags, student_tags,
    utcnow,
)
from eduflow.settings import settings_for

Rule = Callable[[Campus, Settings, dt.datetime, bool], list[str]]


def _system_tag(code: str) -> Tag:
    from eduflow.reference import ensure_reference_data

    tag = db.session.scalar(select(Tag).where(Tag.system_code == code))
    if tag is None:
        ensure_reference_data()
        tag = db.session.scalar(select(Tag).where(Tag.system_code == code))
    return tag


def return_to_pool(campus: Campus, settings: Settings, now: dt.datetime, dry_run: bool) -> list[str]:
    """Open leads whose owner has not followed them up for pool_return_days go back to the pool."""
    cutoff = now - dt.timedelta(days=settings.pool_return_days)
    last_touch = func.coalesce(Lead.last_followup_at, Lead.owner_assigned_at, Lead.created_at)
    due = db.session.execute(
        select(Lead.id, Lead.name, Lead.owner_id).where(
            Lead.campus_id == campus.id, Lead.owner_id.is_not(None), Lead.deleted_at.is_(None),
            Lead.stage.in_(OPEN_STAGES), last_touch < cutoff,
            or_(Lead.owner_assigned_at.is_(None), Lead.owner_assigned_at < cutoff))
    ).all()
    done = []
    for lead_id, name, owner_id in due:
        if not dry_run:
            moved = db.session.execute(
                update(Lead).where(Lead.id == lead_id, Lead.owner_id == owner_id)
                .values(owner_id=None, owner_assigned_at=None, version=Lead.version + 1)
                .execution_options(synchronize_session=False)).rowcount
            if moved != 1:
                continue
            record_return(lead_id, owner_id, idle_days=settings.pool_return_days, at=now)
        done.append(f"return-to-pool: lead {lead_id} {name} (owner {owner_id})")
    return done


def tag_dormant(campus: Campus, settings: Settings, now: dt.datetime, dry_run: bool) -> list[str]:
    """Leads without a follow-up for dormant_days get the 休眠 tag; it comes off once followed up again."""
    tag = _system_tag("dormant")
    cutoff = now - dt.timedelta(days=settings.dormant_days)
    last_touch = func.coalesce(Lead.last_followup_at, Lead.created_at)
    tagged = select(lead_tags.c.lead_id).where(lead_tags.c.tag_id == tag.id)
    in_campus = and_(Lead.campus_id == campus.id, Lead.deleted_at.is_(None))
    to_tag = db.session.scalars(select(Lead.id).where(in_campus, last_touch < cutoff, Lead.id.not_in(tagged))).all()
    to_untag = db.session.scalars(select(Lead.id).where(in_campus, last_touch >= cutoff, Lead.id.in_(tagged))).all()
    if not dry_run:
        if to_tag:
            db.session.execute(insert(lead_tags), [{"lead_id": i, "tag_id": tag.id} for i in to_tag])
        if to_untag:
            db.session.execute(delete(lead_tags).where(lead_tags.c.tag_id == tag.id, lead_tags.c.lead_id.in_(to_untag)))
    return [f"dormant: tag lead {i}" for i in to_tag] + [f"dormant: untag lead {i}" for i in to_untag]


def tag_high_value(campus: Campus, settings: Settings, now: dt.datetime, dry_run: bool) -> list[str]:
    """Students whose payments (less refunds) reach high_value_amount get the 高价值 tag."""
    tag = _system_tag("high_value")
    net = func.sum(case((Payment.is_refund, -Payment.amount), else_=Payment.amount))
    paid = (select(Enrollment.student_id)
            .join(Payment, Payment.enrollment_id == Enrollment.id)
            .group_by(Enrollment.student_id)
            .having(net >= Decimal(settings.high_value_amount)))
    tagged = select(student_tags.c.student_id).where(student_tags.c.tag_id == tag.id)
    due = db.session.scalars(select(Student.id).where(
        Student.campus_id == campus.id, Student.deleted_at.is_(None), Student.id.in_(paid), Student.id.not_in(tagged))
    ).all()
    if due and not dry_run:
        db.session.execute(insert(student_tags), [{"student_id": i, "tag_id": tag.id} for i in due])
    return [f"high-value: tag student {i}" for i in due]


RULES: list[Rule] = [return_to_pool, tag_dormant, tag_high_value, suspension_dates, renewal_reminders]


def run_jobs(now: dt.datetime | None = None, dry_run: bool = False) -> list[str]:
    """Apply every rule to every campus. A run that collides with a concurrent one retries once:
    the retry finds the other run's work done and has nothing left to do."""
    now = now or utcnow()
    for attempt in (1, 2):
        try:
            changes = _run_once(now, dry_run)
        except (IntegrityError, OperationalError):
            db.session.rollback()
            if attempt == 2:
                raise
            continue
        if dry_run:
            db.session.rollback()
        else:
            db.session.commit()
            _refresh_statistics()
        return changes
    return []


def _refresh_statistics() -> None:
    """SQLite's periodic statistics refresh. It is an optimisation: when a concurrent writer holds the file
    (SQLite answers "database is locked" at once to a statement that reads, then writes), the next run does it."""
    try:
        optimize_statistics(db.session.connection())
        db.session.commit()
    except OperationalError:
        db.session.rollback()


def _run_once(now: dt.datetime, dry_run: bool) -> list[str]:
    changes: list[str] = []
    for campus in db.session.scalars(select(Campus).where(Campus.is_active).order_by(Campus.id)):
        settings = settings_for(campus.id)
        for rule in RULES:
            changes.extend(f"[{campus.name}] {line}" for line in rule(campus, settings, now, dry_run))
    return changes


jobs_cli = AppGroup("jobs", help="Scheduled rules (run from cron every few minutes).")


@jobs_cli.command("run")
@click.option("--dry-run", is_flag=True, help="Show what would change, change nothing.")
def run_command(dry_run: bool) -> None:
    """Apply the scheduled rules and print what changed; a copy started while another runs does nothing."""
    with exclusive("jobs") as held:
        if not held:
            click.echo("Another copy of the scheduled jobs is running; this one has nothing to do.")
            return
        changes = run_jobs(dry_run=dry_run)
    prefix = "would change" if dry_run else "changed"
    for line in changes:
        click.echo(f"{prefix}: {line}")
    click.echo(f"{len(changes)} change(s){' (dry run)' if dry_run else ''}.")
