"""The Alembic chain and the models describe the same schema."""
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from eduflow.extensions import db
from eduflow.models import Base


def test_models_and_migrations_do_not_differ():
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(context, Base.metadata)
    assert diff == [], f"models differ from migrations; write a migration: {diff}"


def test_every_domain_entity_has_a_table():
    expected = {
        "campuses", "users", "leads", "lead_stage_changes", "six_speeds", "six_speed_changes", "follow_ups",
        "lead_pool_events", "tags", "lead_tags", "student_tags", "source_channels", "students", "parents",
        "courses", "classes", "classrooms", "lessons", "enrollments", "payments", "attendance", "makeups",
        "lesson_ledger", "trial_lessons", "status_changes", "reviews", "renewal_reminders", "lead_inheritances",
        "audit_log", "login_attempts", "settings", "lead_courses",
    }
    assert expected <= set(Base.metadata.tables)


def test_0016_versions_the_six_speed_sheets_and_writes_pinyin_keys_and_back(app, make_lead, users):
    """Down to 0015: no version column, the keys are the name's endings; up again: every sheet at version 1 and
    the keys hold the pinyin (曾奕辰 by zengyichen)."""
    from flask_migrate import downgrade, upgrade
    from sqlalchemy import inspect, select, text

    from eduflow.leads.sixspeed import sheet_for
    from eduflow.models import LeadNameKey

    keyed = LeadNameKey.__table__
    lead = make_lead(name="曾奕辰")
    sheet_for(lead, users["sales"])
    db.session.commit()
    lead_id = lead.id
    db.session.remove()
    downgrade(revision="0015")
    try:
        with db.engine.connect() as conn:
            assert "version" not in {c["name"] for c in inspect(conn).get_columns("six_speeds")}
            keys = set(conn.execute(select(keyed.c.key).where(keyed.c.lead_id == lead_id)).scalars())
        assert keys == {"曾奕辰", "奕辰", "辰"}
    finally:
        upgrade()
        _forget_statistics()
    with db.engine.connect() as conn:
        versions = conn.execute(text("SELECT version FROM six_speeds")).scalars().all()
        keys = set(conn.execute(select(keyed.c.key).where(keyed.c.lead_id == lead_id)).scalars())
    assert versions == [1] and {"zengyichen", "cengyichen", "zyc", "yichen", "曾奕辰"} <= keys


def test_0017_writes_the_keys_of_the_students_already_there(app, make_student):
    """Down to 0016 the table is gone; up again, a student saved before has their keys (曾奕辰 by zengyichen)."""
    from flask_migrate import downgrade, upgrade
    from sqlalchemy import inspect, select

    from eduflow.models import StudentNameKey

    student_id = make_student("曾奕辰").id
    db.session.commit()
    db.session.remove()
    downgrade(revision="0016")
    try:
        with db.engine.connect() as conn:
            assert "student_name_keys" not in inspect(conn).get_table_names()
    finally:
        upgrade()
        _forget_statistics()
    keyed = StudentNameKey.__table__
    with db.engine.connect() as conn:
        keys = set(conn.execute(select(keyed.c.key).where(keyed.c.student_id == student_id)).scalars())
    assert {"zengyichen", "cengyichen", "zyc", "yichen", "曾奕辰", "奕辰"} <= keys


def _forget_statistics():
    """The upgrade to the newest revision ends with ANALYZE on SQLite (eduflow.extensions); the suite's plan tests
    expect the statistics-free database every other test shares."""
    from sqlalchemy import text

    if db.engine.dialect.name == "sqlite":
        with db.engine.begin() as conn:
            conn.execute(text("DROP TABLE IF EXISTS sqlite_stat1"))
        db.engine.dispose()
