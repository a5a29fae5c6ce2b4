"""Add the daily rollups of the sales reports (funnel, six-speed, follow-up activity) and the school calendar.

Daily report rollups of the sales reports (funnel, six-speed, follow-up activity) and the school calendar.

Revision ID: 0007
Revises: 0006
"""
from alembic import op
import sqlalchemy as sa

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

STAGES = sa.Enum("new", "contacted", "intent", "pending", "converted", "lost", name="leadstage", native_enum=False,
                 length=20)
METHODS = sa.Enum("phone", "wechat", "meeting", "sms", "visit", "email", name="followupmethod", native_enum=False, length=20)


def upgrade():
    op.create_table(
        "report_school_days",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("starts_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("day", name=op.f("pk_report_school_days")),
        sa.UniqueConstraint("starts_at", name=op.f("uq_report_school_days_starts_at")),
    )
    op.create_table(
        "report_funnel_days",
        *[sa.Column(name, sa.Date() if name == "day" else sa.Integer(), nullable=False)
          for name in ("day", "campus_id", "actor_id", "source_id", "referrer_id", "rank", "trial")],
        sa.Column("leads", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("day", "campus_id", "actor_id", "source_id", "referrer_id", "rank", "trial",
                                name=op.f("pk_report_funnel_days")),
        sqlite_with_rowid=False,
    )
    _index("report_funnel_days", "actor_id", "day", "leads")
    op.create_table(
        "report_sheet_days",
        *[sa.Column(name, sa.Date() if name == "day" else sa.Integer(), nullable=False)
          for name in ("day", "campus_id", "actor_id", "figure")],
        sa.Column("sheets", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("day", "campus_id", "actor_id", "figure", name=op.f("pk_report_sheet_days")),
        sqlite_with_rowid=False,
    )
    _index("report_sheet_days", "actor_id", "day", "sheets")
    op.create_table(
        "report_followup_days",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("campus_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("method", METHODS, nullable=False),
        sa.Column("follow_ups", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("day", "campus_id", "user_id", "method", name=op.f("pk_report_followup_days")),
        sqlite_with_rowid=False,
    )
    _index("report_followup_days", "user_id", "day", "follow_ups")
    op.create_table(
        "report_followup_reach",
        *[sa.Column(name, sa.Date() if name == "day" else sa.Integer(), nullable=False)
          for name in ("campus_id", "day", "user_id", "lead_id", "student_id")],
        sa.Column("follow_ups", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("campus_id", "day", "user_id", "lead_id", "student_id",
                                name=op.f("pk_report_followup_reach")),
        sqlite_with_rowid=False,
    )
    _index("report_followup_reach", "user_id", "day", "follow_ups")
    pair = ("campus_id", "user_id", "lead_id", "student_id")
    op.create_table(
        "report_followup_pairs",
        *[sa.Column(name, sa.Integer(), nullable=False) for name in pair],
        sa.Column("first_day", sa.Date(), nullable=False),
        sa.Column("last_day", sa.Date(), nullable=False),
        sa.PrimaryKeyConstraint(*pair, name=op.f("pk_report_followup_pairs")),
        sqlite_with_rowid=False,
    )
    _index("report_followup_pairs", "campus_id", "last_day", "first_day", "user_id", "lead_id", "student_id")
    _index("report_followup_pairs", "user_id", "last_day", "first_day", "lead_id", "student_id")
    op.create_table(
        "report_followup_gaps",
        *[sa.Column(name, sa.Integer(), nullable=False) for name in pair],
        sa.Column("starts", sa.Date(), nullable=False),
        sa.Column("ends", sa.Date(), nullable=False),
        sa.Column("days", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(*pair, "starts", name=op.f("pk_report_followup_gaps")),
        sqlite_with_rowid=False,
    )
    _index("report_followup_gaps", "campus_id", "days", "starts", "ends", "user_id", "lead_id", "student_id")
    _index("report_followup_gaps", "user_id", "days", "starts", "ends", "lead_id", "student_id")
    op.create_table(
        "report_lead_stages",
        sa.Column("campus_id", sa.Integer(), nullable=False),
        sa.Column("stage", STAGES, nullable=False),
        sa.Column("leads", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("campus_id", "stage", name=op.f("pk_report_lead_stages")),
        sqlite_with_rowid=False,
    )
    op.execute("INSERT INTO report_lead_stages (campus_id, stage, leads) SELECT campus_id, stage, count(*) "
               "FROM leads WHERE deleted_at IS NULL GROUP BY campus_id, stage")


def _index(table: str, *columns: str) -> None:
    op.create_index(op.f(f"ix_{table}_{'_'.join(columns)}"), table, list(columns))


def downgrade():
    for table in ("report_lead_stages", "report_followup_gaps", "report_followup_pairs", "report_followup_reach", "report_followup_days", "report_sheet_days", "report_funnel_days"):
        op.drop_table(table)
    op.drop_table("report_school_days")
