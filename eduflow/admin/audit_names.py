"""The audit log's name lookups: the person and the record an admin types, found from an index and capped.

A school's log names people and records by id; the admin knows them by name. The operator field finds staff by
display name or username (李老师, li_teacher, or the start of either; the staff table is small); the record field
finds a record of the chosen kind by its name: leads from their name keys (any part of the name, or its pinyin),
students from their pinyin index, reference records by the start of their (indexed) name. Each lookup stops at
its cap + 1 ids, read from the index before anything is sorted, so a common name on a database of 100,000 leads
costs the same as on a small one; more matches than the cap ask for a fuller name instead of filtering by a guess.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import and_, select, union_all

from eduflow.extensions import db
from eduflow.models import (
    Campus, ClassGroup, Classroom, Course, Lead, LeadNameKey, SourceChannel, Student, StudentNameKey, Tag, User,
)
from eduflow.search import key_range

LOOKUP_CAP = 50  # records one typed name may stand for
SUGGESTIONS = 8  # names offered while typing
LABELLED = re.compile(r"^(?P<name>.*)\((?P<username>[^()]+)\)\s*$")  # "李老师 (li_teacher)", as a suggestion reads


@dataclass(frozen=True)
class Found:
    """A name's matches (at most `cap`) and whether there were more."""

    ids: list
    labels: list[str]
    more: bool


def prefix(column, text: str):
    """`column` starts with `text`, as an index range (not LIKE: see eduflow.search.starts_with)."""
    return and_(column >= text, column < text[:-1] + chr(ord(text[-1]) + 1))


def person_label(name: str, username: str) -> str:
    return f"{name} ({username})"


def people_named(text: str, cap: int = SUGGESTIONS) -> Found:
    """Staff by "name (username)" as a suggestion reads; else those whose display name or username is the text
    (Sales, not Sales2 as well); else those whose display name or username starts with it. By username."""
    text = " ".join((text or "").split())
    if not text:
        return Found([], [], False)
    labelled = LABELLED.match(text)
    people = select(User.id, User.display_name, User.username).order_by(User.username).limit(cap + 1)
    if labelled:
        rows = db.session.execute(people.where(User.username == labelled["username"].strip())).all()
    else:
        rows = db.session.execute(people.where(User.id.in_(union_all(
            select(User.id).where(User.username == text), select(User.id).where(User.display_name == text))))).all()
        rows = rows or db.session.execute(people.where(User.id.in_(union_all(
            select(User.id).where(prefix(User.username, text)),
            select(User.id).where(prefix(User.display_name, text)))))).all()
    return Found([row.id for row in rows[:cap]], [person_label(row.display_name, row.username) for row in rows[:cap]],
                 len(rows) > cap)


def _keyed_ids(key_model, owner: str):
    """Records whose name contains the text or starts with its pinyin, from the name keys (deleted ones too: the
    log outlives them), one index range per campus."""
    def ids(text: str):
        campuses = list(db.session.scalars(select(Campus.id)))
        return (select(getattr(key_model, owner)).where(key_model.campus_id.in_(campuses),
                                                        key_range(key_model.key, text)).distinct())
    return ids


_lead_ids = _keyed_ids(LeadNameKey, "lead_id")
_student_ids = _keyed_ids(StudentNameKey, "student_id")


# The kinds of record that have a name, and how a typed name finds them: (model, the ids it names or None).
NAMED_RECORDS = {
    "leads": (Lead, _lead_ids),
    "students": (Student, _student_ids),
    "users": (User, None),
    "classes": (ClassGroup, None),
    "courses": (Course, None),
    "campuses": (Campus, None),
    "classrooms": (Classroom, None),
    "tags": (Tag, None),
    "source_channels": (SourceChannel, None),
}


def records_named(entity: str, text: str, cap: int = LOOKUP_CAP) -> Found:
    """Records of the kind whose name matches the text (users: as `people_named`), by name; ids as the log writes
    them (text)."""
    text = " ".join((text or "").split())
    if not text or entity not in NAMED_RECORDS:
        return Found([], [], False)
    if entity == "users":
        found = people_named(text, cap)
        return Found([str(ident) for ident in found.ids], found.labels, found.more)
    model, ids = NAMED_RECORDS[entity]
    matched = (ids(text) if ids else select(model.id).where(prefix(model.name, text))).limit(cap + 1).subquery()
    rows = db.session.execute(select(model.id, model.name).join(matched, model.id == matched.c[0])
                              .order_by(model.name, model.id)).all()  # a derived table: MariaDB has no LIMIT in IN
    return Found([str(row.id) for row in rows[:cap]], [row.name for row in rows[:cap]], len(rows) > cap)
