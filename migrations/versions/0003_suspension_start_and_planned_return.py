"""Add the suspension dates of a student and of a status change, and the mark each ledger row settled.

suspension start and planned return; the mark each ledger row was written for

Students get the dates of their 休学 (off the rosters from suspended_from, back on returns_on); a status
change keeps the dates asked for (effective_on: 休学 start or 复学 day; planned_return_on); a ledger row keeps
the attendance status it settled. Students already 休学 are taken as suspended since their latest approved
休学 (else since today), open-ended, so they leave the rosters as the rule now requires. Ledger rows written
before this revision keep no status (their reason text still names it).

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01 10:00:00

"""
import datetime as dt

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None

ATTENDANCE_STATUS = sa.Enum('present', 'late', 'leave', 'absent', name='attendancestatus', native_enum=False,
                            length=20)


def upgrade():
    with op.batch_alter_table('students', schema=None) as batch_op:
        batch_op.add_column(sa.Column('suspended_from', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('returns_on', sa.Date(), nullable=True))
    with op.batch_alter_table('status_changes', schema=None) as batch_op:
        batch_op.add_column(sa.Column('effective_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('planned_return_on', sa.Date(), nullable=True))
    with op.batch_alter_table('lesson_ledger', schema=None) as batch_op:
        batch_op.add_column(sa.Column('attendance_status', ATTENDANCE_STATUS, nullable=True))
    _date_the_suspended_students()


def _date_the_suspended_students():
    students = sa.table('students', sa.column('id', sa.Integer), sa.column('status', sa.String),
                        sa.column('suspended_from', sa.Date))
    changes = sa.table('status_changes', sa.column('student_id', sa.Integer), sa.column('kind', sa.String),
                       sa.column('approval_status', sa.String), sa.column('approved_at', sa.DateTime))
    conn = op.get_bind()
    since = dict(conn.execute(
        sa.select(changes.c.student_id, sa.func.max(changes.c.approved_at))
        .where(changes.c.kind == 'suspend', changes.c.approval_status == 'approved')
        .group_by(changes.c.student_id)).all())
    today = dt.date.today()
    for (student_id,) in conn.execute(sa.select(students.c.id).where(students.c.status == 'suspended')).all():
        approved = since.get(student_id)
        day = approved.date() if isinstance(approved, dt.datetime) else today
        conn.execute(students.update().where(students.c.id == student_id).values(suspended_from=day))


def downgrade():
    with op.batch_alter_table('lesson_ledger', schema=None) as batch_op:
        batch_op.drop_column('attendance_status')
    with op.batch_alter_table('status_changes', schema=None) as batch_op:
        batch_op.drop_column('planned_return_on')
        batch_op.drop_column('effective_on')
    with op.batch_alter_table('students', schema=None) as batch_op:
        batch_op.drop_column('returns_on')
        batch_op.drop_column('suspended_from')
