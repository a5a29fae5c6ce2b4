"""Add student name keys, so a student is found by part of the name, a surname's other reading or the given name.

student_name_keys: as lead_name_keys (0012, 0016), every ending and every pinyin of each student's name
(eduflow.search.name_keys): 曾奕辰 by 奕辰, zengyichen, zyc, cengyichen or yichen, each an index range. The student
search read `name LIKE '%…%'` and the common reading's pinyin only. The keys of the students already there are
written, 2,000 students a statement.

Revision ID: 0017
Revises: 0016
"""
from alembic import op
import sqlalchemy as sa

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

KEY = sa.String(64).with_variant(sa.String(64, collation="C"), "postgresql").with_variant(
    sa.String(64, collation="utf8mb4_bin"), "mysql")


def upgrade():
    keys = op.create_table(
        "student_name_keys",
        sa.Column("campus_id", sa.Integer(), nullable=False),
        sa.Column("key", KEY, nullable=False),
        sa.Column("student_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["student_id"], ["students.id"], name=op.f("fk_student_name_keys_student_id_students"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("campus_id", "key", "student_id", name=op.f("pk_student_name_keys")),
    )
    op.create_index(op.f("ix_student_name_keys_student_id"), "student_name_keys", ["student_id"])
    _fill(keys)


def _fill(keys) -> None:
    from eduflow.search import name_keys

    connection = op.get_bind()
    students = sa.table("students", sa.column("id", sa.Integer()), sa.column("campus_id", sa.Integer()),
                        sa.column("name", sa.String()))
    last = 0
    while True:
        batch = connection.execute(sa.select(students.c.id, students.c.campus_id, students.c.name)
                                   .where(students.c.id > last).order_by(students.c.id).limit(2000)).all()
        if not batch:
            return
        rows = [{"campus_id": campus_id, "key": key, "student_id": ident}
                for ident, campus_id, name in batch for key in sorted(name_keys(name))]
        if rows:
            connection.execute(keys.insert(), rows)
        last = batch[-1][0]


def downgrade():
    op.drop_table("student_name_keys")  # its indexes go with it (MariaDB refuses to drop the foreign key's first)
