"""Index who is suspended on a day, for the renewal reminders that leave suspended students out.

Who is suspended (休学) on a day, from an index: the renewal reminders (the dashboard's and their page) leave out
those of students suspended today, and each statement asked it by reading every student of the database.

Revision ID: 0014
Revises: 0013
"""
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index(op.f("ix_students_suspended_from_returns_on"), "students", ["suspended_from", "returns_on"])


def downgrade():
    op.drop_index(op.f("ix_students_suspended_from_returns_on"), table_name="students")
