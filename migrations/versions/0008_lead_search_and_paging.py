"""Add the indexes the lead board, list and pool count and page from.

Lead search and paging indexes.

The board, the lead list and the pool count and page through leads from these indexes instead of
reading and sorting a whole campus: each starts with the columns scope fixes (campus or owner, and
deleted_at IS NULL) and ends with one list order's keys.

Revision ID: 0008
Revises: 0007
"""
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

INDEXES = [
    ("campus_id", "deleted_at", "stage", "next_followup_at", "id"),
    ("owner_id", "deleted_at", "stage", "next_followup_at", "id"),
    ("campus_id", "deleted_at", "next_followup_at", "id"),
    ("campus_id", "deleted_at", "last_followup_at", "id"),
    ("campus_id", "deleted_at", "created_at", "id"),
    ("campus_id", "deleted_at", "name_pinyin", "id"),
    ("campus_id", "deleted_at", "name_initials", "id"),
    ("campus_id", "deleted_at", "phone_last4"),
    ("campus_id", "deleted_at", "phone_hash"),  # replaces (campus_id, phone_hash): every lookup skips deleted leads
    ("campus_id", "owner_id", "deleted_at", "created_at", "stage", "id"),  # the pool: open stages, newest first
]


def _name(columns) -> str:
    return "ix_leads_" + "_".join(columns)


def upgrade():
    for columns in INDEXES:
        op.create_index(_name(columns), "leads", list(columns))
    op.drop_index("ix_leads_campus_id_phone_hash", table_name="leads")


def downgrade():
    op.create_index("ix_leads_campus_id_phone_hash", "leads", ["campus_id", "phone_hash"])
    for columns in reversed(INDEXES):
        op.drop_index(_name(columns), table_name="leads")
