"""Add the attendance and ledger indexes the school reports read from.

Attendance and student-side indexes.

The school reports read a year of marks and ledger rows from covering indexes instead of the tables:
marks per lesson with their status, ledger units per lesson (consumption by lesson date) and per
enrolment and pool (balances, the sheet's pools); lessons by date (a year's lessons, today's lessons).

Revision ID: 0009
Revises: 0008
"""
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

INDEXES = [
    ("attendance", ("lesson_id", "status")),
    ("lesson_ledger", ("lesson_id", "attendance_id", "student_id", "units")),
    ("lesson_ledger", ("enrollment_id", "pool", "units")),
    ("lessons", ("lesson_date", "start_time")),
]


def _name(table: str, columns) -> str:
    return f"ix_{table}_" + "_".join(columns)


def upgrade():
    for table, columns in INDEXES:
        op.create_index(_name(table, columns), table, list(columns))


def downgrade():
    for table, columns in reversed(INDEXES):
        op.drop_index(_name(table, columns), table_name=table)
