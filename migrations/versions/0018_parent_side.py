"""Add the parent side (家长端): parent accounts, invitations, one-time codes and leave requests.

parent_accounts (one per phone number, matched to parents by the phone's blind index), parent_invites (single-use QR
links), parent_login_codes (hashed one-time codes), leave_requests (请假 asked by a parent for one lesson);
parents.portal_revoked_at (staff revoked that row's access), reviews.lesson_id / parent_account_id (a parent
reviews an attended lesson once), settings.leave_cutoff_hours (default 2) and audit_log.parent_account_id.

Revision ID: 0018
Revises: 0017
"""
from alembic import op
import sqlalchemy as sa

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "parent_accounts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("password_hash", sa.String(255), nullable=False),
        sa.Column("session_token", sa.String(32), nullable=False),
        sa.Column("locale", sa.String(8), nullable=True),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("last_login_at", sa.DateTime(), nullable=True),
        sa.Column("calendar_token", sa.String(64), nullable=True),
        sa.Column("phone_encrypted", sa.Text(), nullable=True),
        sa.Column("phone_hash", sa.String(64), nullable=True),
        sa.Column("phone_last4", sa.String(4), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_parent_accounts")),
        sa.UniqueConstraint("phone_hash", name=op.f("uq_parent_accounts_phone_hash")),
        sa.UniqueConstraint("calendar_token", name=op.f("uq_parent_accounts_calendar_token")),
    )
    op.create_index(op.f("ix_parent_accounts_phone_last4"), "parent_accounts", ["phone_last4"])
    op.create_index(op.f("ix_parent_accounts_created_at"), "parent_accounts", ["created_at"])
    op.create_table(
        "parent_invites",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=False),
        sa.Column("nonce", sa.String(32), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("used_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["parent_id"], ["parents.id"], name=op.f("fk_parent_invites_parent_id_parents")),
        sa.ForeignKeyConstraint(["created_by_id"], ["users.id"], name=op.f("fk_parent_invites_created_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_parent_invites")),
    )
    op.create_index(op.f("ix_parent_invites_parent_id"), "parent_invites", ["parent_id"])
    op.create_table(
        "parent_login_codes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("code_hash", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("used_at", sa.DateTime(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["account_id"], ["parent_accounts.id"],
                                name=op.f("fk_parent_login_codes_account_id_parent_accounts")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_parent_login_codes")),
    )
    op.create_index(op.f("ix_parent_login_codes_account_id_created_at"), "parent_login_codes",
                    ["account_id", "created_at"])
    op.create_table(
        "leave_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("lesson_id", sa.Integer(), nullable=False),
        sa.Column("student_id", sa.Integer(), nullable=False),
        sa.Column("parent_account_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("withdrawn_at", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["lesson_id"], ["lessons.id"], name=op.f("fk_leave_requests_lesson_id_lessons")),
        sa.ForeignKeyConstraint(["student_id"], ["students.id"], name=op.f("fk_leave_requests_student_id_students")),
        sa.ForeignKeyConstraint(["parent_account_id"], ["parent_accounts.id"],
                                name=op.f("fk_leave_requests_parent_account_id_parent_accounts")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_leave_requests")),
        sa.UniqueConstraint("lesson_id", "student_id", name=op.f("uq_leave_requests_lesson_id_student_id")),
    )
    op.create_index(op.f("ix_leave_requests_student_id_created_at"), "leave_requests", ["student_id", "created_at"])
    op.create_index(op.f("ix_leave_requests_created_at"), "leave_requests", ["created_at"])
    with op.batch_alter_table("parents") as batch:
        batch.add_column(sa.Column("portal_revoked_at", sa.DateTime(), nullable=True))
    with op.batch_alter_table("reviews") as batch:
        batch.add_column(sa.Column("lesson_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("parent_account_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(op.f("fk_reviews_lesson_id_lessons"), "lessons", ["lesson_id"], ["id"])
        batch.create_foreign_key(op.f("fk_reviews_parent_account_id_parent_accounts"), "parent_accounts",
                                 ["parent_account_id"], ["id"])
        batch.create_unique_constraint(op.f("uq_reviews_lesson_id_student_id"), ["lesson_id", "student_id"])
    with op.batch_alter_table("settings") as batch:
        batch.add_column(sa.Column("leave_cutoff_hours", sa.Integer(), nullable=False, server_default="2"))
    with op.batch_alter_table("audit_log") as batch:
        batch.add_column(sa.Column("parent_account_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(op.f("fk_audit_log_parent_account_id_parent_accounts"), "parent_accounts",
                                 ["parent_account_id"], ["id"])


def downgrade():
    with op.batch_alter_table("audit_log") as batch:
        batch.drop_constraint(op.f("fk_audit_log_parent_account_id_parent_accounts"), type_="foreignkey")
        batch.drop_column("parent_account_id")
    with op.batch_alter_table("settings") as batch:
        batch.drop_column("leave_cutoff_hours")
    with op.batch_alter_table("reviews") as batch:
        batch.drop_constraint(op.f("fk_reviews_parent_account_id_parent_accounts"), type_="foreignkey")
        batch.drop_constraint(op.f("fk_reviews_lesson_id_lessons"), type_="foreignkey")
        batch.drop_constraint(op.f("uq_reviews_lesson_id_student_id"), type_="unique")
        batch.drop_column("parent_account_id")
        batch.drop_column("lesson_id")
    with op.batch_alter_table("parents") as batch:
        batch.drop_column("portal_revoked_at")
    op.drop_table("leave_requests")
    op.drop_table("parent_login_codes")
    op.drop_table("parent_invites")
    op.drop_table("parent_accounts")
