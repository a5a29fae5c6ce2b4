"""Add report_followup_firsts for short follow-up ranges and re-lead report_followup_reach's index by pair.

Follow-up activity's short ranges from report_followup_firsts: per person and day, the leads and students
followed up that day and not since each of the 44 days before (eduflow.models.rollups.FollowUpFirst). Empty
when created: `flask --app eduflow rollups rebuild` fills it. report_followup_reach is now read by pair only (the
days of one person's lead or student), so its index leads with the pair instead of the person and day.

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
    op.drop_index(op.f("ix_report_followup_reach_user_id_day_follow_ups"), table_name="report_followup_reach")
    op.create_index(op.f("ix_report_followup_reach_campus_id_user_id_lead_id_student_id_day_follow_ups"),
                    "report_followup_reach", ["campus_id", "user_id", "lead_id", "student_id", "day", "follow_ups"])


def downgrade():
    op.drop_index(op.f("ix_report_followup_reach_campus_id_user_id_lead_id_student_id_day_follow_ups"),
                  table_name="report_followup_reach")
    op.create_index(op.f("ix_report_followup_reach_user_id_day_follow_ups"), "report_followup_reach",
                    ["user_id", "day", "follow_ups"])
    op.drop_table("report_followup_firsts")
