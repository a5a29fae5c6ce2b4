"""The sheet's writes as a few multi-row statements, whatever the roster's size.

The ORM would insert new marks and ledger rows one by one (it needs each id back in order, which SQLite's
multi-row RETURNING does not promise); here each kind of row is one INSERT … RETURNING, matched back by a key
unique within the statement (a mark by its student, a ledger row by its mark and pool). The audit trail's
entries for them are written in one INSERT, in the words the flush listener uses (eduflow/audit.py), and the
school reports' rollup moves by their increments in one upsert (eduflow/rollups/school.py).
"""
from __future__ import annotations

from collections import Counter

from sqlalchemy import insert, update
from sqlalchemy.orm import make_transient_to_detached
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.exc import StaleDataError

from eduflow import audit
from eduflow.extensions import db
from eduflow.models import Attendance, AuditLog, LessonLedgerEntry, Makeup, utcnow
from eduflow.rollups import school as school_rollups


class AuditRows:
    """Audit entries gathered while writing, sent as one INSERT; with them the rollup's increments, one upsert."""

    def __init__(self):
        self.rows: list[dict] = []
        self.lesson_days: Counter = Counter()

    def created(self, table, values: dict) -> None:
        changes = {column.key: [None, audit._plain(values.get(column.key))] for column in table.columns
                   if column.key not in audit.HIDDEN_COLUMNS}
        self.rows.append({"action": "create", "entity": table.name, "entity_id": str(values["id"]),
                          "changes": changes})

    def updated(self, entity: str, entity_id: int, changes: dict) -> None:
        if changes:
            self.rows.append({"action": "update", "entity": entity, "entity_id": str(entity_id), "changes": changes})

    def event(self, action: str, entity: str, entity_id: int, changes: dict) -> None:
        self.rows.append({"action": action, "entity": entity, "entity_id": str(entity_id), "changes": changes})

    def send(self) -> None:
        school_rollups.send(self.lesson_days)
        if self.rows and not db.session.info.get("audit_disabled"):
            actor, ip = audit._actor()
            now = utcnow()
            parent = audit._parent_actor()  # a parent's pre-marked 请假 (eduflow/attendance/leave.py)
            db.session.execute(insert(AuditLog), [dict(row, actor_id=actor, parent_account_id=parent, ip=ip, created_at=now)
                                                  for row in self.rows])


def insert_marks(marks: list[Attendance], audited: AuditRows) -> None:
    """New marks of one lesson in one statement; each object becomes the persistent mark (with its id)."""
    if not marks:
        return
    table, now = Attendance.__table__, utcnow()
    values = [{"lesson_id": m.lesson_id, "student_id": m.student_id, "enrollment_id": m.enrollment_id,
               "status": m.status, "notes": "", "recorded_by_id": m.recorded_by_id, "version": 1,
               "created_at": now, "updated_at": now} for m in marks]
    ids = dict(db.session.execute(insert(table).returning(table.c.student_id, table.c.id), values).all())
    for mark, row in zip(marks, values):
        mark.id, mark.notes, mark.version, mark.created_at, mark.updated_at = ids[mark.student_id], "", 1, now, now
        make_transient_to_detached(mark)
        db.session.add(mark)
        audited.created(table, dict(row, id=mark.id))
        school_rollups.count_mark(audited.lesson_days, mark.lesson_id, mark.status)


def update_mark(mark: Attendance, old_status, old_by: int | None, audited: AuditRows) -> None:
    """A mark's planned status (already on the object) written, checked against the version read: a concurrent
    change is StaleDataError."""
    table, changes = Attendance.__table__, {}
    if mark.status != old_status:
        changes["status"] = [old_status.value, mark.status.value]
    if mark.recorded_by_id != old_by:
        changes["recorded_by_id"] = [old_by, mark.recorded_by_id]
    done = db.session.execute(
        update(table).where(table.c.id == mark.id, table.c.version == mark.version)
        .values(status=mark.status, recorded_by_id=mark.recorded_by_id, version=mark.version + 1,
                updated_at=utcnow()))
    if done.rowcount != 1:
        raise StaleDataError("attendance changed since it was read")
    set_committed_value(mark, "version", mark.version + 1)
    if mark.status != old_status:
        school_rollups.count_mark(audited.lesson_days, mark.lesson_id, old_status, -1)
        school_rollups.count_mark(audited.lesson_days, mark.lesson_id, mark.status)
    audited.updated("attendance", mark.id, changes)


def update_makeup(makeup: Makeup, old_status, audited: AuditRows) -> None:
    """A makeup's planned status (already on the object) written."""
    if makeup.status == old_status:
        return
    table = Makeup.__table__
    db.session.execute(update(table).where(table.c.id == makeup.id).values(status=makeup.status))
    audited.updated("makeups", makeup.id, {"status": [old_status.value, makeup.status.value]})


def insert_entries(entries: list[tuple[dict, Attendance]], audited: AuditRows) -> None:
    """Ledger rows in one statement: (values without the mark's id, the mark they are for)."""
    if not entries:
        return
    table = LessonLedgerEntry.__table__
    values = [dict(row, attendance_id=mark.id) for row, mark in entries]
    ids = {(mark_id, pool): ident for ident, mark_id, pool in db.session.execute(
        insert(table).returning(table.c.id, table.c.attendance_id, table.c.pool), values)}
    for row in values:
        audited.created(table, dict(row, id=ids[(row["attendance_id"], row["pool"])]))
        school_rollups.count_units(audited.lesson_days, row["lesson_id"], row["student_id"], row["units"])
