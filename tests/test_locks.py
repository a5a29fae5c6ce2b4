"""The database lock that keeps a second copy of a scheduled job from running alongside the first."""
from eduflow.extensions import db
from eduflow.locks import exclusive


def test_a_second_holder_is_refused_while_the_first_holds_the_lock():
    shared = db.engine.dialect.name in ("postgresql", "mysql")
    with exclusive("test-lock") as first:
        with exclusive("test-lock") as second:
            assert first is True
            assert second is (not shared)  # SQLite: one machine's file, always granted
        with exclusive("another-lock") as other:
            assert other is True
    with exclusive("test-lock") as again:
        assert again is True  # released when the block ended


def test_the_lock_survives_commits_inside_the_block():
    shared = db.engine.dialect.name in ("postgresql", "mysql")
    with exclusive("test-lock") as held:
        db.session.commit()
        with exclusive("test-lock") as second:
            assert held and second is (not shared)
