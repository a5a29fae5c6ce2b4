"""Save the six-speed sheet whole on a version, and rebuild the lead name keys with every pinyin of each name.

six_speeds.version: the lead page now edits the whole sheet in one form and saves it in one go, so two people
editing the same sheet need an optimistic lock (the second save answers 409 instead of overwriting the first).
Existing sheets start at version 1.

lead_name_keys: a name's keys now also hold its pinyin (eduflow.search.pinyin_keys): the surname in every reading
(曾奕辰 by zengyichen and zyc as well as cengyichen), and the given name alone (yichen). The keys of the leads
already there are written again, 2,000 leads a statement; the downgrade writes the name endings alone back.

Revision ID: 0016
Revises: 0015
"""
from alembic import op
import sqlalchemy as sa

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

leads = sa.table("leads", sa.column("id", sa.Integer()), sa.column("campus_id", sa.Integer()),
                 sa.column("name", sa.String()))
keys = sa.table("lead_name_keys", sa.column("campus_id", sa.Integer()), sa.column("key", sa.String()),
                sa.column("lead_id", sa.Integer()))


def upgrade():
    with op.batch_alter_table("six_speeds") as batch:
        batch.add_column(sa.Column("version", sa.Integer(), nullable=False, server_default="1"))
    from eduflow.search import name_keys

    rebuild_keys(op.get_bind(), name_keys)


def endings(name: str) -> set[str]:
    """The keys as revision 0012 wrote them: every ending of the case-folded name."""
    folded = " ".join((name or "").split()).casefold()[:64]
    return {folded[start:] for start in range(len(folded)) if not folded[start].isspace()}


def rebuild_keys(connection, keys_of) -> None:
    """Write every lead's keys again as `keys_of(name)` gives them, 2,000 leads a statement."""
    last = 0
    while True:
        batch = connection.execute(sa.select(leads.c.id, leads.c.campus_id, leads.c.name)
                                   .where(leads.c.id > last).order_by(leads.c.id).limit(2000)).all()
        if not batch:
            return
        ids = [row[0] for row in batch]
        connection.execute(keys.delete().where(keys.c.lead_id.in_(ids)))
        rows = [{"campus_id": campus_id, "key": key, "lead_id": ident}
                for ident, campus_id, name in batch for key in sorted(keys_of(name))]
        if rows:
            connection.execute(keys.insert(), rows)
        last = ids[-1]


def downgrade():
    rebuild_keys(op.get_bind(), endings)
    with op.batch_alter_table("six_speeds") as batch:
        batch.drop_column("version")
