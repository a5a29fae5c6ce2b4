"""Add notification channels and templates: the parent's WeChat openid, the provider's message id, admins' wording.

parent_accounts.wechat_openid (unique, bound when a parent signs in from WeChat), notifications.provider_ref (the
SMS or WeChat provider's id of a sent message), and notification_templates (one admin text per kind, channel and
language, replacing the default).

Revision ID: 0020
Revises: 0019
"""
from alembic import op
import sqlalchemy as sa

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("parent_accounts") as batch:
        batch.add_column(sa.Column("wechat_openid", sa.String(64), nullable=True))
        batch.create_unique_constraint(op.f("uq_parent_accounts_wechat_openid"), ["wechat_openid"])
    with op.batch_alter_table("notifications") as batch:
        batch.add_column(sa.Column("provider_ref", sa.String(64), nullable=False, server_default=""))
    op.create_table(
        "notification_templates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("channel", sa.String(20), nullable=False),
        sa.Column("locale", sa.String(8), nullable=False),
        sa.Column("subject", sa.String(255), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["updated_by_id"], ["users.id"],
                                name=op.f("fk_notification_templates_updated_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notification_templates")),
        sa.UniqueConstraint("kind", "channel", "locale", name=op.f("uq_notification_templates_kind_channel_locale")),
    )


def downgrade():
    op.drop_table("notification_templates")
    with op.batch_alter_table("notifications") as batch:
        batch.drop_column("provider_ref")
    with op.batch_alter_table("parent_accounts") as batch:
        batch.drop_constraint(op.f("uq_parent_accounts_wechat_openid"), type_="unique")
        batch.drop_column("wechat_openid")
