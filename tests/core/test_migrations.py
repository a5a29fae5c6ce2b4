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
