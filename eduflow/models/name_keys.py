"""Name keys: every ending and every pinyin of a lead's or a student's name (eduflow.search.name_keys), one row each,
so a search for part of a Chinese name, a polyphonic surname's reading (曾 zeng) or the given name alone (yichen)
reads an index range instead of testing every name of the campus with LIKE '%…%'. The session keeps them in the
flush that writes the name or moves the record to another campus; bulk loaders write them with the record."""
from __future__ import annotations

from sqlalchemy import ForeignKey, Integer, String, delete, event, insert, inspect
from sqlalchemy.orm import Mapped, Session, mapped_column

from eduflow.models.base import Base

# Compared code point by code point on every database (a key range must not follow a language's collation, which
# may sort Chinese by pinyin): PostgreSQL's "C", MariaDB's utf8mb4_bin; SQLite compares bytes already.
NameKeyText = String(64).with_variant(String(64, collation="C"), "postgresql").with_variant(
    String(64, collation="utf8mb4_bin"), "mysql")


class LeadNameKey(Base):
    """One key of a lead's name."""

    __tablename__ = "lead_name_keys"

    campus_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(NameKeyText, primary_key=True)
    lead_id: Mapped[int] = mapped_column(ForeignKey("leads.id", ondelete="CASCADE"), primary_key=True, index=True)


class StudentNameKey(Base):
    """One key of a student's name."""

    __tablename__ = "student_name_keys"

    campus_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(NameKeyText, primary_key=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("students.id", ondelete="CASCADE"), primary_key=True,
                                            index=True)


def name_key_rows(owner: str, ident: int, campus_id: int, name: str) -> list[dict]:
    """The rows of one name's keys; `owner` is the key table's record column (lead_id, student_id)."""
    from eduflow.search import name_keys

    return [{"campus_id": campus_id, "key": key, owner: ident} for key in sorted(name_keys(name))]


def _keyed() -> dict:
    """Each model whose names are keyed, with its key table and that table's record column."""
    from eduflow.models.leads import Lead
    from eduflow.models.students import Student

    return {Lead: (LeadNameKey, "lead_id"), Student: (StudentNameKey, "student_id")}


@event.listens_for(Session, "after_flush")
def _keep_name_keys(session, _context) -> None:
    """Rewrite the keys of every lead and student this flush inserted, renamed or moved to another campus: one
    DELETE and one INSERT a table however many records (an import flushes hundreds at once)."""
    touched = [*session.new, *session.dirty]
    if not touched:
        return
    for model, (key_model, owner) in _keyed().items():
        changed = [obj for obj in touched if isinstance(obj, model) and (obj in session.new or _moved(obj))]
        if not changed:
            continue
        connection = session.connection()
        column = getattr(key_model, owner)
        connection.execute(delete(key_model).where(column.in_([record.id for record in changed])))
        rows = [row for record in changed for row in name_key_rows(owner, record.id, record.campus_id, record.name)]
        if rows:
            connection.execute(insert(key_model), rows)


def _moved(record) -> bool:
    """Renamed, or moved to another campus."""
    state = inspect(record)
    return state.attrs.name.history.has_changes() or state.attrs.campus_id.history.has_changes()
