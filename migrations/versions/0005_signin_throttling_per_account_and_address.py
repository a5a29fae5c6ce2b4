"""Count sign-in failures per (username, address) pair, usernames in lower case.

Throttling now counts failures per (username, address) pair, so the per-username index becomes one on
(username, ip, attempted_at). Usernames are keyed in lower case, as the accounts are unique regardless
of case; rows written before are lowered so that they count for the same key.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 10:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

login_attempts = sa.table('login_attempts', sa.column('username', sa.String(64)))


def upgrade():
    op.execute(login_attempts.update().values(username=sa.func.lower(login_attempts.c.username)))
    with op.batch_alter_table('login_attempts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_login_attempts_username_attempted_at'))
        batch_op.create_index(batch_op.f('ix_login_attempts_username_ip_attempted_at'),
                              ['username', 'ip', 'attempted_at'], unique=False)


def downgrade():
    with op.batch_alter_table('login_attempts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_login_attempts_username_ip_attempted_at'))
        batch_op.create_index(batch_op.f('ix_login_attempts_username_attempted_at'),
                              ['username', 'attempted_at'], unique=False)
