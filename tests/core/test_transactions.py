"""A request that only read ends with COMMIT (psycopg then keeps its prepared statements); any request that
wrote without committing, left a change unflushed, or raised still ends with ROLLBACK and leaves nothing."""
from __future__ import annotations

import pytest
from sqlalchemy import event, func, select, text
from sqlalchemy.exc import IntegrityError

from eduflow import create_app
from eduflow.extensions import db
from eduflow.models import SourceChannel
from tests.conftest import make_test_config


@pytest.fixture
def probe_app(app, database_url):
    """A second app on the suite's migrated database, with routes that read, write and fail on purpose."""
    probe = create_app(make_test_config(database_url, None))
    probe.config["PROPAGATE_EXCEPTIONS"] = False

    @probe.get("/probe/read")
    def read():
        return str(db.session.scalar(select(func.count()).select_from(SourceChannel)))

    @probe.get("/probe/read-twice")
    def read_twice():
        db.session.scalar(select(func.count()).select_from(SourceChannel))
        db.session.commit()  # a new transaction begins with the next statement
        return str(db.session.scalar(select(func.count()).select_from(SourceChannel)))

    @probe.post("/probe/flush")
    def flush_without_commit():
        db.session.add(SourceChannel(name="flushed"))
        db.session.flush()
        return "not committed", 422

    @probe.post("/probe/pending")
    def pending():
        db.session.add(SourceChannel(name="pending"))
        return "pending", 200

    @probe.post("/probe/statement")
    def statement():
        db.session.execute(text("UPDATE source_channels SET sort_order = 7"))
        return "not committed", 200

    @probe.post("/probe/caught")
    def caught_without_rollback():
        db.session.add(SourceChannel(name="existing"))  # the name is unique
        try:
            db.session.flush()
        except IntegrityError:
            pass  # a view that answers without rolling back leaves the session unusable
        return "conflict", 409

    @probe.post("/probe/raise")
    def fail():
        db.session.add(SourceChannel(name="raised"))
        db.session.flush()
        raise RuntimeError("boom")

    with probe.app_context():
        db.session.add(SourceChannel(name="existing", sort_order=1))
        db.session.commit()
        engine = db.engine
    ends = []
    event.listen(engine, "commit", lambda conn: ends.append("COMMIT"))
    event.listen(engine, "rollback", lambda conn: ends.append("ROLLBACK"))
    probe.transaction_ends = ends
    yield probe
    with probe.app_context():
        db.session.remove()
        db.engine.dispose()


def _names(probe) -> list[str]:
    with probe.app_context():
        return sorted(db.session.scalars(select(SourceChannel.name)))


def test_a_read_only_request_ends_with_commit(probe_app):
    response = probe_app.test_client().get("/probe/read")
    assert response.status_code == 200 and response.text == "1"
    assert probe_app.transaction_ends == ["COMMIT"]


def test_each_read_only_transaction_of_a_request_ends_with_commit(probe_app):
    response = probe_app.test_client().get("/probe/read-twice")
    assert response.status_code == 200
    assert probe_app.transaction_ends == ["COMMIT", "COMMIT"]


@pytest.mark.parametrize("path", ["/probe/flush", "/probe/pending", "/probe/raise"])
def test_a_request_that_wrote_without_committing_is_rolled_back(probe_app, path):
    response = probe_app.test_client().post(path)
    assert response.status_code in (200, 422, 500)
    assert "COMMIT" not in probe_app.transaction_ends  # /probe/pending never reached the database
    assert _names(probe_app) == ["existing"]


def test_a_session_left_unusable_is_still_closed_and_its_connection_returned(probe_app):
    """The hook must never raise: Flask would skip Flask-SQLAlchemy's teardown and leave the transaction open,
    holding its locks (a migration test once waited on one for ten minutes)."""
    assert probe_app.test_client().post("/probe/caught").status_code == 409
    with probe_app.app_context():
        assert db.engine.pool.checkedout() == 0
    assert "COMMIT" not in probe_app.transaction_ends
    assert _names(probe_app) == ["existing"]


def test_a_raw_write_statement_is_rolled_back(probe_app):
    assert probe_app.test_client().post("/probe/statement").status_code == 200
    assert "COMMIT" not in probe_app.transaction_ends
    with probe_app.app_context():
        assert db.session.scalar(select(SourceChannel.sort_order)) == 1


def test_prepared_statements_can_be_switched_off_for_a_transaction_pooler(monkeypatch, tmp_path):
    monkeypatch.setenv("EDUFLOW_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("EDUFLOW_DATABASE_URL", "postgresql+psycopg://nobody@127.0.0.1:1/none")
    assert "connect_args" not in create_app().config["SQLALCHEMY_ENGINE_OPTIONS"]
    monkeypatch.setenv("EDUFLOW_PG_PREPARED_STATEMENTS", "0")
    options = create_app().config["SQLALCHEMY_ENGINE_OPTIONS"]
    assert options["connect_args"] == {"prepare_threshold": None} and options["pool_pre_ping"] is True
