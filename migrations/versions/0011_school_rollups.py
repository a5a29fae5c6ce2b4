"""Add the daily rollup of the school reports (marks, lesson units consumed, money received and refunded).

Daily rollup of the school reports: marks per status and lesson units consumed, per lesson day, class, teacher
and student's campus; money received and refunded per school day and campus (eduflow.models.rollups_school).

Revision ID: 0011
Revises: 0010
"""
from alembic import op
import sqlalchemy as sa

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

KEY = ("day", "class_id", "teacher_id", "campus_id", "figure")


def upgrade():
    op.create_table(
        "report_lesson_days",
        *[sa.Column(name, sa.Date() if name == "day" else sa.Integer(), nullable=False) for name in KEY],
        sa.Column("total", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(*KEY, name=op.f("pk_report_lesson_days")),
        sqlite_with_rowid=False,
    )
    op.create_index(op.f("ix_report_lesson_days_figure_campus_id_day_total"), "report_lesson_days",
                    ["figure", "campus_id", "day", "total"])
    op.create_table(
        "report_payment_days",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("campus_id", sa.Integer(), nullable=False),
        sa.Column("refund", sa.Integer(), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("day", "campus_id", "refund", name=op.f("pk_report_payment_days")),
        sqlite_with_rowid=False,
    )


def downgrade():
    op.drop_table("report_payment_days")
    op.drop_index(op.f("ix_report_lesson_days_figure_campus_id_day_total"), table_name="report_lesson_days")
    op.drop_table("report_lesson_days")
