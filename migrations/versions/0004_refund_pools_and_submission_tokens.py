"""Split refunds into the bought and the gift pool and add one-time submission tokens.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01 10:00:00

"""
import datetime as dt
import itertools

from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects.mysql import MEDIUMTEXT


# revision identifiers, used by Alembic.
revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

LEDGER_POOL = sa.Enum('bought', 'gift', name='ledgerpool', native_enum=False, length=20)
LONG_TEXT = sa.Text().with_variant(MEDIUMTEXT(), 'mysql')


def upgrade():
    with op.batch_alter_table('settings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('gift_first', sa.Boolean(), nullable=False, server_default=sa.false()))
    with op.batch_alter_table('lesson_ledger', schema=None) as batch_op:
        batch_op.add_column(sa.Column('pool', LEDGER_POOL, nullable=False, server_default='bought'))
    op.create_table('submission_tokens',
    sa.Column('token', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('endpoint', sa.String(length=128), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('status', sa.Integer(), nullable=False),
    sa.Column('headers', sa.Text(), nullable=False),
    sa.Column('body', LONG_TEXT, nullable=False),
    sa.Column('flashes', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_submission_tokens_user_id_users')),
    sa.PrimaryKeyConstraint('token', name=op.f('pk_submission_tokens'))
    )
    with op.batch_alter_table('submission_tokens', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_submission_tokens_created_at'), ['created_at'], unique=False)
    _split_the_existing_ledgers()


def _split_the_existing_ledgers():
    """Gift credits move the gift pool. Before pools existed, attendance, refunds, voids and carry-overs all came
    off one balance; each enrolment's rows are replayed in order with bought lessons consumed first (the rule
    then in force), and the gift lessons that replay spent are moved across by one appended pair of rows."""
    ledger = sa.table('lesson_ledger', sa.column('id', sa.Integer), sa.column('enrollment_id', sa.Integer),
                      sa.column('student_id', sa.Integer), sa.column('kind', sa.String), sa.column('pool', sa.String),
                      sa.column('units', sa.Integer), sa.column('attendance_id', sa.Integer),
                      sa.column('reason', sa.Text), sa.column('created_at', sa.DateTime))
    conn = op.get_bind()
    conn.execute(ledger.update().where(ledger.c.kind == 'gift').values(pool='gift'))
    history = conn.execute(sa.select(ledger.c.enrollment_id, ledger.c.student_id, ledger.c.kind, ledger.c.units,
                                     ledger.c.attendance_id).order_by(ledger.c.enrollment_id, ledger.c.id))
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    rows = []
    for (enrollment_id, student_id), group in itertools.groupby(history, key=lambda row: (row[0], row[1])):
        moved = _gift_spent([(kind, units, attendance_id) for _, _, kind, units, attendance_id in group])
        if moved > 0:
            reason = f'课时分池：已消耗的 {moved} 节赠送课时'
            common = dict(enrollment_id=enrollment_id, student_id=student_id, kind='correction', reason=reason,
                          created_at=now)
            rows += [dict(common, pool='bought', units=moved), dict(common, pool='gift', units=-moved)]
    if rows:
        conn.execute(ledger.insert(), rows)


def _gift_spent(rows):
    """Gift lessons one enrolment's rows (kind, units, attendance id, in order) spent, bought lessons drawn first:
    a debit takes bought, then gift, the rest owed in bought; a mark's give-back returns units to the pools it
    took them from, gift first (the rule of eduflow.academics.ledger, frozen here)."""
    held = {'bought': 0, 'gift': 0}
    taken = {}  # attendance id -> units taken per pool
    for kind, units, attendance_id in rows:
        took = taken.setdefault(attendance_id, {'bought': 0, 'gift': 0})
        if kind == 'gift':
            held['gift'] += units
        elif units < 0:
            spread = _fill(held, -units, ('bought', 'gift'))
            for pool, n in spread.items():
                held[pool] -= n
                took[pool] += n
        elif attendance_id is not None:
            spread = _fill(took, units, ('gift', 'bought'))
            for pool, n in spread.items():
                held[pool] += n
                took[pool] -= n
        else:
            held['bought'] += units
    credited = sum(units for kind, units, _ in rows if kind == 'gift')
    return credited - held['gift']


def _fill(available, units, order):
    """Spread `units` over the pools in order, each up to what it has; the rest goes to bought."""
    spread = {pool: 0 for pool in order}
    for pool in order:
        spread[pool] = min(units - sum(spread.values()), max(available[pool], 0))
    spread['bought'] += units - sum(spread.values())
    return spread


def downgrade():
    with op.batch_alter_table('submission_tokens', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_submission_tokens_created_at'))
    op.drop_table('submission_tokens')
    with op.batch_alter_table('lesson_ledger', schema=None) as batch_op:
        batch_op.drop_column('pool')
    with op.batch_alter_table('settings', schema=None) as batch_op:
        batch_op.drop_column('gift_first')
