"""`flask backup` / `flask restore`: consistent SQLite copies of a running app, guidance for database servers.

These run on an SQLite app of their own, whatever database the rest of the suite uses.
"""
from __future__ import annotations

import sqlite3
import threading
import time
from contextlib import closing, contextmanager
from pathlib import Path

import pytest
from flask_migrate import upgrade

from eduflow import create_app
from eduflow.extensions import db
from tests.conftest import make_test_config


@pytest.fixture(scope="module")
def live(app, tmp_path_factory):
    """An EduFlow app on an SQLite file, schema built by the migrations."""
    folder = tmp_path_factory.mktemp("live")
    live = create_app(make_test_config(f"sqlite:///{folder / 'eduflow.db'}", None))
    with live.app_context():
        upgrade()
    yield live
    with live.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def database(live) -> Path:
    """The live database file, emptied of campuses."""
    path = Path(live.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///"))
    with writing(path) as conn:
        conn.execute("DELETE FROM campuses")
    return path


@contextmanager
def writing(path: Path):
    """A connection to `path` whose work is committed, and which is closed, at the end of the block."""
    with closing(sqlite3.connect(path)) as conn, conn:
        yield conn


def run(app, *args, input=None):
    with app.app_context():
        return app.test_cli_runner().invoke(args=list(args), input=input)


def add_campus(conn: sqlite3.Connection, name: str) -> None:
    conn.execute("INSERT INTO campuses (name, address, phone, is_active, created_at, updated_at) "
                 "VALUES (?, '', '', 1, '2025-01-01 00:00:00', '2025-01-01 00:00:00')", (name,))


def campuses(path: Path) -> list[str]:
    with closing(sqlite3.connect(path)) as conn:
        return [name for (name,) in conn.execute("SELECT name FROM campuses ORDER BY name")]


def test_backup_copies_the_committed_state_while_another_connection_is_mid_write(live, database, tmp_path):
    with writing(database) as conn:
        add_campus(conn, "朝阳校区")
    writer = sqlite3.connect(database, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")  # holds the write lock, uncommitted, for the whole backup
    add_campus(writer, "未提交校区")
    try:
        result = run(live, "backup", str(tmp_path / "nightly" / "eduflow.db"))
    finally:
        writer.execute("COMMIT")
        writer.close()
    assert result.exit_code == 0, result.output
    assert "tables" in result.output and "eduflow-keys.json" in result.output
    copy = tmp_path / "nightly" / "eduflow.db"
    assert campuses(copy) == ["朝阳校区"]
    with closing(sqlite3.connect(copy)) as check:
        assert check.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert check.execute("PRAGMA journal_mode").fetchone() == ("delete",), "one self-contained file"
    assert not list((tmp_path / "nightly").glob(".*partial"))


def test_backup_while_the_app_keeps_writing_is_a_consistent_snapshot(live, database, tmp_path):
    stop, written = threading.Event(), []

    def keep_writing():
        with closing(sqlite3.connect(database, timeout=30)) as conn:
            while not stop.is_set() or len(written) < 20:
                with conn:  # each pair commits together: a consistent copy never holds half of one
                    add_campus(conn, f"A{len(written):05d}")
                    add_campus(conn, f"B{len(written):05d}")
                written.append(1)
                time.sleep(0.002)

    thread = threading.Thread(target=keep_writing)
    thread.start()
    try:
        results = [run(live, "backup", str(tmp_path / f"copy{n}.db")) for n in range(2)]
    finally:
        stop.set()
        thread.join()
    for n, result in enumerate(results):
        assert result.exit_code == 0, result.output
        names = campuses(tmp_path / f"copy{n}.db")
        assert sorted(n[1:] for n in names if n[0] == "A") == sorted(n[1:] for n in names if n[0] == "B")
    assert len(campuses(database)) == 2 * len(written)


def test_backup_refuses_to_overwrite_unless_forced(live, database, tmp_path):
    target = tmp_path / "eduflow.db"
    target.write_bytes(b"yesterday's backup")
    refused = run(live, "backup", str(target))
    assert refused.exit_code != 0 and "--force" in refused.output
    assert target.read_bytes() == b"yesterday's backup"
    forced = run(live, "backup", "--force", str(target))
    assert forced.exit_code == 0, forced.output
    assert target.read_bytes().startswith(b"SQLite format 3")


def test_a_backup_is_readable_by_its_owner_only(live, database, tmp_path):
    target = tmp_path / "private.db"
    result = run(live, "backup", str(target))
    assert result.exit_code == 0, result.output
    assert target.stat().st_mode & 0o777 == 0o600


def test_backup_refuses_to_copy_the_database_onto_itself(live, database):
    result = run(live, "backup", "--force", str(database))
    assert result.exit_code != 0 and "live database" in result.output


def test_restore_brings_back_the_exact_state_of_the_backup(live, database, tmp_path):
    with writing(database) as conn:
        add_campus(conn, "朝阳校区")
        add_campus(conn, "海淀校区")
    assert run(live, "backup", str(tmp_path / "before.db")).exit_code == 0
    with writing(database) as conn:
        conn.execute("UPDATE campuses SET name = '改名校区' WHERE name = '朝阳校区'")
        conn.execute("DELETE FROM campuses WHERE name = '海淀校区'")
        add_campus(conn, "新校区")
    result = run(live, "restore", "--yes", str(tmp_path / "before.db"))
    assert result.exit_code == 0, result.output
    assert campuses(database) == ["朝阳校区", "海淀校区"]
    safety = next(database.parent.glob("eduflow.before-restore-*.db"))
    assert campuses(safety) == ["改名校区", "新校区"], "the replaced state is kept, in case"
    with live.app_context():
        from eduflow.models import Campus

        assert sorted(c.name for c in db.session.query(Campus)) == ["朝阳校区", "海淀校区"]


def test_restore_asks_for_confirmation(live, database, tmp_path):
    with writing(database) as conn:
        add_campus(conn, "朝阳校区")
    run(live, "backup", str(tmp_path / "before.db"))
    with writing(database) as conn:
        add_campus(conn, "新校区")
    declined = run(live, "restore", str(tmp_path / "before.db"), input="n\n")
    assert declined.exit_code != 0 and "Replace everything" in declined.output
    assert campuses(database) == ["新校区", "朝阳校区"]
    accepted = run(live, "restore", str(tmp_path / "before.db"), input="y\n")
    assert accepted.exit_code == 0, accepted.output
    assert campuses(database) == ["朝阳校区"]


@pytest.mark.parametrize("content", [b"", b"not a database at all", b"SQLite format 3\x00" + b"\x00" * 200])
def test_restore_refuses_files_that_are_not_sound_sqlite_databases(live, database, tmp_path, content):
    with writing(database) as conn:
        add_campus(conn, "朝阳校区")
    garbage = tmp_path / "garbage.db"
    garbage.write_bytes(content)
    result = run(live, "restore", "--yes", str(garbage))
    assert result.exit_code != 0 and "Error" in result.output
    assert campuses(database) == ["朝阳校区"]


def test_restore_refuses_an_sqlite_database_that_is_not_eduflows(live, database, tmp_path):
    other = tmp_path / "other.db"
    with writing(other) as conn:
        conn.execute("CREATE TABLE campuses (name TEXT)")
    result = run(live, "restore", "--yes", str(other))
    assert result.exit_code != 0 and "not an EduFlow one" in result.output


def test_restore_refuses_a_schema_revision_this_code_does_not_know(live, database, tmp_path):
    run(live, "backup", str(tmp_path / "future.db"))
    with writing(tmp_path / "future.db") as conn:
        conn.execute("UPDATE alembic_version SET version_num = 'from_the_future'")
    result = run(live, "restore", "--yes", str(tmp_path / "future.db"))
    assert result.exit_code != 0 and "does not know" in result.output


def test_restore_of_a_missing_file_says_so(live, database, tmp_path):
    result = run(live, "restore", "--yes", str(tmp_path / "nowhere.db"))
    assert result.exit_code != 0 and "does not exist" in result.output


@pytest.fixture
def server_app(app, monkeypatch, tmp_path):
    """An app configured for a database server (never connected to: the commands only read the URL)."""
    monkeypatch.setenv("EDUFLOW_INSTANCE_PATH", str(tmp_path))
    made = []

    def make(url: str):
        made.append(create_app(make_test_config(url, None)))
        return made[-1]

    yield make
    for server in made:
        with server.app_context():
            db.engine.dispose()


@pytest.mark.parametrize("command", ["backup", "restore"])
def test_postgresql_gets_the_pg_dump_recipe_without_its_password(server_app, command):
    server = server_app("postgresql+psycopg://eduflow:s3cret-pw@db.school.lan:5433/school")
    result = run(server, command, "/backups/school.dump")
    assert result.exit_code == 1
    tool = "pg_dump --format=custom" if command == "backup" else "pg_restore --clean"
    assert tool in result.output and "--host=db.school.lan --port=5433 --username=eduflow" in result.output
    assert "school" in result.output and "/backups/school.dump" in result.output
    assert "s3cret-pw" not in result.output


@pytest.mark.parametrize("command", ["backup", "restore"])
def test_mariadb_gets_the_mariadb_dump_recipe_without_its_password(server_app, command):
    server = server_app("mysql+pymysql://eduflow:s3cret-pw@db.school.lan/school?charset=utf8mb4")
    result = run(server, command, "/backups/school.sql")
    assert result.exit_code == 1
    expected = ("mariadb-dump --single-transaction" if command == "backup"
                else "mariadb --host=db.school.lan --user=eduflow --password school < /backups/school.sql")
    assert expected in result.output
    assert "s3cret-pw" not in result.output
