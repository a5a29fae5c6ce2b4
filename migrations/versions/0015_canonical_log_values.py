"""Store codes, not display text: six-speed yes/no log values and the overdue pool return's days.

The six-speed modification log wrote yes/no as 是/否; it now writes true/false and the lead page says
是/否 or Yes/No in the reader's language. An overdue return to the pool wrote "N 天未跟进" as its reason;
it now keeps N in lead_pool_events.idle_days with an empty reason, and the timeline renders the sentence.
Reasons that do not match that pattern (a person's words, the demo's longer sentence) stay as they are.

Revision ID: 0015
Revises: 0014
"""
import re

from alembic import op
import sqlalchemy as sa

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

FLAG_FIELDS = ("wechat_added", "is_closed", "is_enrolled", "is_valid")
CODES = {"是": "true", "否": "false"}
RETURN_REASON = re.compile(r"^\s*(\d+)\s*天未跟进\s*$")

changes = sa.table("six_speed_changes", sa.column("field", sa.String(64)), sa.column("old_value", sa.Text),
                   sa.column("new_value", sa.Text))
events = sa.table("lead_pool_events", sa.column("id", sa.Integer), sa.column("action", sa.String(20)),
                  sa.column("reason", sa.String(255)), sa.column("idle_days", sa.Integer))


def _recode(mapping: dict) -> None:
    for column in ("old_value", "new_value"):
        for old, new in mapping.items():
            op.execute(changes.update().where(changes.c.field.in_(FLAG_FIELDS), changes.c[column] == old)
                       .values({column: new}))


def _idle_days(reason: str | None) -> int | None:
    """The days of a stored "N 天未跟进" reason; None for any other reason."""
    match = RETURN_REASON.match(reason or "")
    return int(match.group(1)) if match else None


def upgrade():
    with op.batch_alter_table("lead_pool_events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("idle_days", sa.Integer(), nullable=True))
    _recode(CODES)
    connection = op.get_bind()
    returns = connection.execute(sa.select(events.c.id, events.c.reason).where(events.c.action == "return"))
    for event_id, reason in returns.all():
        days = _idle_days(reason)
        if days is not None:
            connection.execute(events.update().where(events.c.id == event_id).values(idle_days=days, reason=""))


def downgrade():
    connection = op.get_bind()
    returned = connection.execute(sa.select(events.c.id, events.c.idle_days).where(events.c.idle_days.is_not(None)))
    for event_id, days in returned.all():
        connection.execute(events.update().where(events.c.id == event_id).values(reason=f"{days} 天未跟进"))
    _recode({code: text for text, code in CODES.items()})
    with op.batch_alter_table("lead_pool_events", schema=None) as batch_op:
        batch_op.drop_column("idle_days")
