"""Backup and restore: `flask --app eduflow backup PATH` and `flask --app eduflow restore PATH`.

SQLite is copied with its online backup API, which takes a consistent snapshot even while the app
is writing. PostgreSQL and MariaDB/MySQL have their own dump tools: for them both commands print the
exact command for the configured database (never its password) and exit non-zero.
"""
from __future__ import annotations

import datetime as dt
import os
import shlex
import sqlite3
from pathlib import Path

import click
from alembic.script import ScriptDirectory
from flask import current_app
from sqlalchemy.engine import URL

from eduflow.extensions import db

SQLITE_HEADER = b"SQLite format 3\x00"
BUSY_SECONDS = 30  # how long a connection waits for another one's lock
RETRY_SECONDS = 0.05  # the pause before the backup tries again when a writer is committing


# ---------- the SQLite work, free of click ----------

def copy_sqlite(source: Path, target: Path) -> None:
    """Copy a live SQLite database into `target` in one backup step, i.e. under one read lock.

    One step rather than page batches: SQLite restarts a batched backup whenever another connection
    writes in between, so a busy app could keep it from ever finishing. The copy is switched to a
    rollback journal so that it is one self-contained file.
    """
    src = sqlite3.connect(source, timeout=BUSY_SECONDS)
    try:
        dst = sqlite3.connect(target, timeout=BUSY_SECONDS)
        try:
            src.backup(dst, sleep=RETRY_SECONDS)
            dst.execute("PRAGMA journal_mode=DELETE")
        finally:
            dst.close()
    finally:
        src.close()


def restore_sqlite(backup: Path, target: Path) -> None:
    """Write a backup over the live database with the backup API (it locks the target while it writes)."""
    src = _read_only(backup)
    try:
        dst = sqlite3.connect(target, timeout=BUSY_SECONDS)
        try:
            src.backup(dst, sleep=RETRY_SECONDS)
        finally:
            dst.close()
    finally:
        src.close()


def describe(path: Path) -> dict:
    """Size, table count, integrity and Alembic revision of an SQLite file (None where it has none)."""
    with open(path, "rb") as handle:
        if handle.read(len(SQLITE_HEADER)) != SQLITE_HEADER:
            raise click.ClickException(f"{path} is not an SQLite database.")
    conn = _read_only(path)
    try:
        tables = {name for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        check = conn.execute("PRAGMA quick_check").fetchone()[0]
        versions = conn.execute("SELECT version_num FROM alembic_version").fetchall() \
            if "alembic_version" in tables else []
    except sqlite3.DatabaseError as error:
        raise click.ClickException(f"{path} cannot be read as an SQLite database: {error}") from error
    finally:
        conn.close()
    return {"size": path.stat().st_size, "tables": len(tables), "ok": check == "ok",
            "revision": versions[0][0] if len(versions) == 1 else None}


def _read_only(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=BUSY_SECONDS)


def known_revisions() -> set[str]:
    """Every Alembic revision of this code's migrations: a backup at one of them can be upgraded."""
    config = current_app.extensions["migrate"].migrate.get_config()
    return {script.revision for script in ScriptDirectory.from_config(config).walk_revisions()}


# ---------- which database, and the server recipes ----------

def configured_url() -> URL:
    return db.engine.url


def sqlite_path(url: URL) -> Path:
    """The configured SQLite file; an in-memory database cannot be backed up or restored."""
    if not url.database or url.database == ":memory:" or url.database.startswith("file:"):
        raise click.ClickException("The configured SQLite database is not a plain file; nothing to copy.")
    return Path(url.database).resolve()


def _connection_options(url: URL, mariadb: bool) -> list[str]:
    socket = url.query.get("unix_socket" if mariadb else "host")  # a Unix socket named in the URL's query
    options = [f"--socket={socket}"] if mariadb and socket else [f"--host={url.host or socket or 'localhost'}"]
    if url.port:
        options.append(f"--port={url.port}")
    if url.username:
        options.append(f"{'--user' if mariadb else '--username'}={url.username}")
    return options


def server_recipe(url: URL, path: str, restoring: bool) -> str:
    """The dump or restore command for a PostgreSQL or MariaDB/MySQL URL, without its password."""
    name = url.database or ""
    if url.get_backend_name() == "postgresql":
        connection = _connection_options(url, mariadb=False)
        if restoring:
            command = shlex.join(["pg_restore", "--clean", "--if-exists", "--no-owner", *connection,
                                  f"--dbname={name}", path])
        else:
            command = shlex.join(["pg_dump", "--format=custom", "--no-owner", *connection, f"--file={path}", name])
        return f"{command}\nThe password comes from ~/.pgpass or PGPASSWORD; it is not printed here."
    connection = _connection_options(url, mariadb=True)
    if restoring:
        command = f"{shlex.join(['mariadb', *connection, '--password', name])} < {shlex.quote(path)}"
    else:
        command = shlex.join(["mariadb-dump", "--single-transaction", "--routines", "--triggers", "--hex-blob",
                              "--default-character-set=utf8mb4", *connection, "--password",
                              f"--result-file={path}", name])
    return (f"{command}\n--password asks for the password (or keep it in ~/.my.cnf); it is not printed here. "
            "mysqldump / mysql take the same options.")


SERVER_ADVICE = {  # (backend, restoring) → what to do
    ("postgresql", False): "Back it up with pg_dump, which takes a consistent snapshot while the app keeps running:",
    ("postgresql", True): "Restore a pg_dump archive with pg_restore, with the app stopped:",
    ("mysql", False): "Back it up with mariadb-dump; --single-transaction takes a consistent snapshot while the app "
                      "keeps running:",
    ("mysql", True): "Restore a dump with the mariadb client, with the app stopped:",
}


def _refuse_server(url: URL, path: str, restoring: bool) -> None:
    """Not SQLite: show the right tool's command and exit 1."""
    backend = "mysql" if url.get_backend_name() == "mariadb" else url.get_backend_name()
    if (backend, restoring) not in SERVER_ADVICE:
        raise click.ClickException(f"Backups of {backend} databases are not supported.")
    server = "PostgreSQL" if backend == "postgresql" else "MariaDB/MySQL"
    click.echo(f"The configured database is {server} (database {url.database} on {url.host or 'localhost'}). "
               f"{SERVER_ADVICE[backend, restoring]}\n")
    click.echo("  " + server_recipe(url, path, restoring).replace("\n", "\n  "))
    click.get_current_context().exit(1)


def _human(size: int) -> str:
    if size < 1024:
        return f"{size} bytes"
    return f"{size / 1024:.1f} KiB" if size < 1024 ** 2 else f"{size / 1024 ** 2:.1f} MiB"


# ---------- the commands ----------

@click.command("backup")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Overwrite PATH if it exists.")
def backup_command(path: Path, force: bool) -> None:
    """Write a consistent copy of the SQLite database to PATH, safely while the app is running."""
    url = configured_url()
    if url.get_backend_name() != "sqlite":
        _refuse_server(url, str(path), restoring=False)
    source = sqlite_path(url)
    if not source.is_file():
        raise click.ClickException(f"The database {source} does not exist.")
    path = path.resolve()
    if path == source:
        raise click.ClickException("PATH is the live database itself.")
    if path.exists() and not force:
        raise click.ClickException(f"{path} already exists; use --force to overwrite it.")
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.partial")
    partial.unlink(missing_ok=True)
    try:
        os.close(os.open(partial, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))  # personal data: owner only
        copy_sqlite(source, partial)
        os.replace(partial, path)  # PATH never holds a half-written copy
    except sqlite3.Error as error:
        raise click.ClickException(f"The backup failed: {error}") from error
    finally:
        partial.unlink(missing_ok=True)
    facts = describe(path)
    click.echo(f"Backed up {source} to {path}: {_human(facts['size'])}, {facts['tables']} tables, "
               f"schema revision {facts['revision'] or 'none'}.")
    click.echo("Keep the data keys (instance/eduflow-keys.json or EDUFLOW_DATA_KEYS / EDUFLOW_INDEX_KEY) with it: "
               "without them the encrypted phone numbers, e-mails and ID numbers cannot be read.")


@click.command("restore")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def restore_command(path: Path, yes: bool) -> None:
    """Replace the SQLite database with a backup made by `backup` (stop the app first)."""
    url = configured_url()
    if url.get_backend_name() != "sqlite":
        _refuse_server(url, str(path), restoring=True)
    target = sqlite_path(url)
    if not path.is_file():
        raise click.ClickException(f"{path} does not exist.")
    if path.resolve() == target:
        raise click.ClickException("PATH is the live database itself.")
    facts = _restorable(path)
    if not yes:
        click.confirm(f"Replace everything in {target} with {path} (schema revision {facts['revision']})?",
                      abort=True)
    db.session.remove()
    db.engine.dispose()  # this process keeps no connection open on the database being replaced
    try:
        safety = _keep_current(target)
        restore_sqlite(path, target)
    except sqlite3.Error as error:
        raise click.ClickException(f"The restore failed: {error}") from error
    click.echo(f"Restored {path} into {target} ({_human(facts['size'])}, {facts['tables']} tables).")
    if safety:
        click.echo(f"The database as it was before is kept in {safety}.")
    click.echo("Now run `flask --app eduflow db upgrade` (it does nothing if the schema is current) and start the app.")


def _restorable(path: Path) -> dict:
    """Refuse anything but a sound SQLite file with EduFlow's schema at a revision this code knows."""
    facts = describe(path)
    if not facts["ok"]:
        raise click.ClickException(f"{path} is damaged (SQLite's quick_check failed).")
    if facts["revision"] is None:
        raise click.ClickException(f"{path} is an SQLite database but not an EduFlow one (no alembic_version).")
    if facts["revision"] not in known_revisions():
        raise click.ClickException(f"{path} is at schema revision {facts['revision']}, which this version of "
                                   "EduFlow does not know (a backup from a newer version?).")
    return facts


def _keep_current(target: Path) -> Path | None:
    """Copy the database about to be replaced next to it, so that a wrong restore can be undone."""
    if not target.is_file():
        return None
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    safety = target.with_name(f"{target.stem}.before-restore-{stamp}{target.suffix}")
    copy_sqlite(target, safety)
    return safety
