"""Add notifications: the outbox of events, the messages to parents and staff, opt-outs and the campus settings.

notification_events (the outbox, one row per event key), notifications (one row per event, recipient and channel,
unique; written and delivered by the task queue), notification_preferences
(a parent turned a kind off), and settings.quiet_start / quiet_end (21:00-08:00), reminder_time (19:00) and the
per-campus channel switches notify_email / notify_sms / notify_wechat (off).

Revision ID: 0019
Revises: 0018
"""
import datetime as dt

from alembic import op
import sqlalchemy as sa

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None

SETTINGS = (("quiet_start", sa.Time(), dt.time(21)), ("quiet_end", sa.Time(), dt.time(8)),
            ("reminder_time", sa.Time(), dt.time(19)), ("notify_email", sa.Boolean(), False),
            ("notify_sms", sa.Boolean(), False), ("notify_wechat", sa.Boolean(), False))


def upgrade():
    op.create_table(
        "notification_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_key", sa.String(120), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("student_id", sa.Integer(), nullable=True),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("campus_id", sa.Integer(), nullable=True),
        sa.Column("params", sa.JSON(), nullable=False),
        sa.Column("link", sa.String(255), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("fanned_out_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["student_id"], ["students.id"], name=op.f("fk_notification_events_student_id_students")),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_notification_events_user_id_users")),
        sa.ForeignKeyConstraint(["campus_id"], ["campuses.id"], name=op.f("fk_notification_events_campus_id_campuses")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notification_events")),
        sa.UniqueConstraint("event_key", name=op.f("uq_notification_events_event_key")),
    )
    op.create_index(op.f("ix_notification_events_fanned_out_at_created_at"), "notification_events",
                    ["fanned_out_at", "created_at"])
    op.create_table(
        "notifications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_key", sa.String(120), nullable=False),
        sa.Column("recipient", sa.String(24), nullable=False),
        sa.Column("parent_account_id", sa.Integer(), nullable=True),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("student_id", sa.Integer(), nullable=True),
        sa.Column("campus_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("channel", sa.String(20), nullable=False),
        sa.Column("locale", sa.String(8), nullable=False),
        sa.Column("params", sa.JSON(), nullable=False),
        sa.Column("subject", sa.String(255), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("link", sa.String(255), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.String(500), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("send_after", sa.DateTime(), nullable=False),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
        sa.Column("read_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["parent_account_id"], ["parent_accounts.id"],
                                name=op.f("fk_notifications_parent_account_id_parent_accounts")),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_notifications_user_id_users")),
        sa.ForeignKeyConstraint(["student_id"], ["students.id"], name=op.f("fk_notifications_student_id_students")),
        sa.ForeignKeyConstraint(["campus_id"], ["campuses.id"], name=op.f("fk_notifications_campus_id_campuses")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notifications")),
        sa.UniqueConstraint("event_key", "recipient", "channel",
                            name=op.f("uq_notifications_event_key_recipient_channel")),
    )
    op.create_index(op.f("ix_notifications_parent_account_id_channel_created_at"), "notifications",
                    ["parent_account_id", "channel", "created_at"])
    op.create_index(op.f("ix_notifications_user_id_channel_read_at"), "notifications", ["user_id", "channel", "read_at"])
    op.create_index(op.f("ix_notifications_student_id_created_at"), "notifications", ["student_id", "created_at"])
    op.create_index(op.f("ix_notifications_status_send_after"), "notifications", ["status", "send_after"])
    op.create_table(
        "notification_preferences",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("parent_account_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["parent_account_id"], ["parent_accounts.id"],
                                name=op.f("fk_notification_preferences_parent_account_id_parent_accounts")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notification_preferences")),
        sa.UniqueConstraint("parent_account_id", "kind", name=op.f("uq_notification_preferences_parent_account_id_kind")),
    )
    with op.batch_alter_table("settings") as batch:
        for name, type_, default in SETTINGS:
            batch.add_column(sa.Column(name, type_, nullable=True))
    settings = sa.table("settings", *(sa.column(name, type_) for name, type_, _ in SETTINGS))
    op.execute(settings.update().values({name: default for name, _, default in SETTINGS}))
    with op.batch_alter_table("settings") as batch:
        for name, type_, _ in SETTINGS:
            batch.alter_column(name, existing_type=type_, nullable=False)


def downgrade():
    with op.batch_alter_table("settings") as batch:
        for name, _, _ in reversed(SETTINGS):
            batch.drop_column(name)
    op.drop_table("notification_preferences")
    op.drop_table("notifications")
    op.drop_table("notification_events")
