"""Add lead name keys, so searching part of a Chinese name reads an index range.

Lead name keys: every ending of each lead's name, so searching part of a Chinese name reads an index range.

Revision ID: 0012
Revises: 0011
"""
from alembic import op
import sqlalchemy as sa

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

KEY = sa.String(64).with_variant(sa.String(64, collation="C"), "postgresql").with_variant(
    sa.String(64, collation="utf8mb4_bin"), "mysql")


def upgrade():
    keys = op.create_table(
        "lead_name_keys",
        sa.Column("campus_id", sa.Integer(), nullable=False),
        sa.Column("key", KEY, nullable=False),
        sa.Column("lead_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["lead_id"], ["leads.id"], name=op.f("fk_lead_name_keys_lead_id_leads"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("campus_id", "key", "lead_id", name=op.f("pk_lead_name_keys")),
    )
    op.create_index(op.f("ix_lead_name_keys_lead_id"), "lead_name_keys", ["lead_id"])
    _fill(keys)


def _fill(keys) -> None:
    """The keys of the leads already there, 2,000 leads a statement."""
    from eduflow.search import name_keys

    connection = op.get_bind()
    leads = sa.table("leads", sa.column("id", sa.Integer()), sa.column("campus_id", sa.Integer()),
                     sa.column("name", sa.String()))
    last = 0
    while True:
        batch = connection.execute(sa.select(leads.c.id, leads.c.campus_id, leads.c.name)
                                   .where(leads.c.id > last).order_by(leads.c.id).limit(2000)).all()
        if not batch:
            return
        rows = [{"campus_id": campus_id, "key": key, "lead_id": ident}
                for ident, campus_id, name in batch for key in sorted(name_keys(name))]
        if rows:
            connection.execute(keys.insert(), rows)
        last = batch[-1][0]


def downgrade():
    op.drop_index(op.f("ix_lead_name_keys_lead_id"), table_name="lead_name_keys")
    op.drop_table("lead_name_keys")
