"""Add import batches and their rows, for leads and students imported from a spreadsheet.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22 06:37:10.538184

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('import_batches',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('leads', 'students', name='importkind', native_enum=False, length=20), nullable=False),
    sa.Column('campus_id', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('status', sa.Enum('mapping', 'validating', 'previewed', 'committing', 'done', 'failed', 'rolled_back', name='importstatus', native_enum=False, length=20), nullable=False),
    sa.Column('headers', sa.JSON(), nullable=False),
    sa.Column('mapping', sa.JSON(), nullable=True),
    sa.Column('skip_rejected', sa.Boolean(), nullable=False),
    sa.Column('total_rows', sa.Integer(), nullable=False),
    sa.Column('processed_rows', sa.Integer(), nullable=False),
    sa.Column('counts', sa.JSON(), nullable=True),
    sa.Column('error', sa.Text(), nullable=False),
    sa.Column('step_token', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('finished_at', sa.DateTime(), nullable=True),
    sa.Column('rolled_back_at', sa.DateTime(), nullable=True),
    sa.Column('rolled_back_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['campus_id'], ['campuses.id'], name=op.f('fk_import_batches_campus_id_campuses')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_import_batches_created_by_id_users')),
    sa.ForeignKeyConstraint(['rolled_back_by_id'], ['users.id'], name=op.f('fk_import_batches_rolled_back_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_import_batches'))
    )
    with op.batch_alter_table('import_batches', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_import_batches_campus_id_created_at'), ['campus_id', 'created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_import_batches_kind_created_by_id_created_at'), ['kind', 'created_by_id', 'created_at'], unique=False)

    op.create_table('import_rows',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('batch_id', sa.Integer(), nullable=False),
    sa.Column('row_number', sa.Integer(), nullable=False),
    sa.Column('cells', sa.Text(), nullable=False),
    sa.Column('phone_hash', sa.String(length=64), nullable=True),
    sa.Column('action', sa.Enum('create', 'update', 'unchanged', 'reject', name='importaction', native_enum=False, length=20), nullable=True),
    sa.Column('message', sa.Text(), nullable=False),
    sa.Column('target_id', sa.Integer(), nullable=True),
    sa.Column('before', sa.Text(), nullable=True),
    sa.Column('applied', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['batch_id'], ['import_batches.id'], name=op.f('fk_import_rows_batch_id_import_batches')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_import_rows'))
    )
    with op.batch_alter_table('import_rows', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_import_rows_batch_id_action'), ['batch_id', 'action'], unique=False)
        batch_op.create_index(batch_op.f('ix_import_rows_batch_id_phone_hash'), ['batch_id', 'phone_hash'], unique=False)
        batch_op.create_index(batch_op.f('ix_import_rows_batch_id_row_number'), ['batch_id', 'row_number'], unique=True)


def downgrade():
    with op.batch_alter_table('import_rows', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_import_rows_batch_id_row_number'))
        batch_op.drop_index(batch_op.f('ix_import_rows_batch_id_phone_hash'))
        batch_op.drop_index(batch_op.f('ix_import_rows_batch_id_action'))

    op.drop_table('import_rows')
    with op.batch_alter_table('import_batches', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_import_batches_kind_created_by_id_created_at'))
        batch_op.drop_index(batch_op.f('ix_import_batches_campus_id_created_at'))

    op.drop_table('import_batches')
