"""Add the audit log indexes for newest-first keyset paging.

Audit log indexes for newest-first keyset paging: each filter's column, then (created_at, id), then the
other filters' columns.

The audit page lists entries newest first by (created_at, id) and pages by the last entry shown; with each
filter column leading an index that ends in (created_at, id), a page of 25 is an index range at any depth
and any size of the log, on every database (an index on `action` alone made the database sort every
matching entry to show the newest 25).

Revision ID: 0010
Revises: 0009
"""
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

NEW = {
    "ix_audit_log_created_at_id": ["created_at", "id"],
    # The other filters' columns trail, so a combination (who did what to which table) is checked in the
    # index itself: counting or skipping non-matching entries never reads their rows.
    "ix_audit_log_actor_id_created_at_id_action_entity": ["actor_id", "created_at", "id", "action", "entity"],
    "ix_audit_log_action_created_at_id_actor_id_entity": ["action", "created_at", "id", "actor_id", "entity"],
    "ix_audit_log_entity_created_at_id_actor_id_action": ["entity", "created_at", "id", "actor_id", "action"],
}
OLD = {
    "ix_audit_log_created_at": ["created_at"],
    "ix_audit_log_actor_id_created_at": ["actor_id", "created_at"],
    "ix_audit_log_action": ["action"],
}


def upgrade():
    for name, columns in NEW.items():  # first, so MySQL's foreign key on actor_id always has an index
        op.create_index(name, "audit_log", columns)
    for name in OLD:
        op.drop_index(name, table_name="audit_log")


def downgrade():
    for name, columns in OLD.items():
        op.create_index(name, "audit_log", columns)
    for name in NEW:
        op.drop_index(name, table_name="audit_log")
