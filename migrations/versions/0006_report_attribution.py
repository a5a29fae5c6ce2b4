"""Record who opened each six-speed sheet and mask the personal data quoted in stored import row messages.

report attribution: who did each counted act; no personal data quoted in import row messages

Reports count each act by whoever did it (DOMAIN "Report attribution"). Every counted act already names its
actor (follow-ups, stage moves including conversion, trials, ledger purchases, six-speed edits) except the
opening of a six-speed sheet: six_speeds.opened_by_id. Sheets opened before this revision are credited to the
author of their first logged edit (a sheet is created by its first edit), else to the salesperson who held it.

Import row messages quoted rejected phone numbers, ID card numbers and e-mail addresses in full, in a plain
column; the ones already stored are masked here as new ones now are (138****1234, 110105********002X, w***@x).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 10:00:00

"""
import re

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

# The messages that quoted a value, in both catalogues, and how each value is masked: frozen copies of the
# app's masks at this revision (a migration never imports the app, which moves on).
def _phone(value):
    return value[:3] + '****' + value[-4:] if len(value) == 11 and value.isdigit() else '****' + value[-4:]


def _id_card(value):
    return '*' * len(value) if len(value) <= 10 else value[:6] + '*' * (len(value) - 10) + value[-4:]


def _email(value):
    local, at, domain = value.partition('@')
    return local[:1] + '***' + at + domain if at else '***'


QUOTING = [(label, mask) for labels, mask in (
    (('电话号码无效：', '家长电话无效：', 'Invalid phone number: ', 'Invalid parent phone: '), _phone),
    (('身份证号码无效：', 'Invalid ID card number: '), _id_card),
    (('邮箱格式不正确：', 'Invalid e-mail: '), _email),
) for label in labels]
REFERRER = re.compile(r'^(推荐学员「)(.*?)(」)')


def upgrade():
    with op.batch_alter_table('six_speeds', schema=None) as batch_op:
        batch_op.add_column(sa.Column('opened_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_six_speeds_opened_by_id_users'), 'users', ['opened_by_id'], ['id'])
    _credit_the_opened_sheets()
    _mask_the_import_messages()


def _credit_the_opened_sheets():
    sheets = sa.table('six_speeds', sa.column('id', sa.Integer), sa.column('owner_id', sa.Integer),
                      sa.column('opened_by_id', sa.Integer))
    changes = sa.table('six_speed_changes', sa.column('id', sa.Integer), sa.column('six_speed_id', sa.Integer),
                       sa.column('changed_by_id', sa.Integer))
    conn = op.get_bind()
    first = (sa.select(changes.c.changed_by_id).where(changes.c.six_speed_id == sheets.c.id)
             .order_by(changes.c.id).limit(1).scalar_subquery())
    conn.execute(sheets.update().values(opened_by_id=sa.func.coalesce(first, sheets.c.owner_id)))


def _masked_reason(reason: str) -> str:
    for label, mask in QUOTING:
        if reason.startswith(label) and '*' not in reason[len(label):]:
            return label + mask(reason[len(label):])
    quoted = REFERRER.match(reason)
    if quoted and any(ch.isdigit() for ch in quoted.group(2)):
        return quoted.group(1) + _phone(quoted.group(2)) + quoted.group(3) + reason[quoted.end():]
    return reason


def _masked(message: str) -> str:
    """A row's message is its reasons joined by "；"."""
    return '；'.join(_masked_reason(reason) for reason in message.split('；'))


def _mask_the_import_messages():
    rows = sa.table('import_rows', sa.column('id', sa.Integer), sa.column('message', sa.Text))
    conn = op.get_bind()
    # Only the rows whose message quotes a value are read (not every staged row of every import).
    quoting = sa.or_(*[rows.c.message.like(f'%{label}%') for label, _mask in QUOTING],
                     rows.c.message.like('%推荐学员「%'))
    found = conn.execute(sa.select(rows.c.id, rows.c.message).where(quoting)).all()
    for row_id, message in found:
        masked = _masked(message)
        if masked != message:
            conn.execute(rows.update().where(rows.c.id == row_id).values(message=masked))


def downgrade():
    with op.batch_alter_table('six_speeds', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_six_speeds_opened_by_id_users'), type_='foreignkey')
        batch_op.drop_column('opened_by_id')
