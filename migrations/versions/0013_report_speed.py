"""Follow-up activity's short ranges from report_followup_firsts: per person and day, the leads and students
followed up that day and not since each of the 45 days before (eduflow.models.rollups.FollowUpFirst). Empty
when created: `flask --app eduflow rollups rebuild` fills it.

Revision ID: 0013
Revises: 0012
"""
from alembic import op
import sqlalchemy as sa

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "report_followup_firsts",
        sa.Column("since", sa.Date(), nullable=False),
        sa.Column("campus_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("leads", sa.Integer(), nullable=False),
        sa.Column("students", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("since", "campus_id", "user_id", "day", name=op.f("pk_report_followup_firsts")),
        sqlite_with_rowid=False,
    )


def downgrade():
    op.drop_table("report_followup_firsts")
