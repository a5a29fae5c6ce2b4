"""The audit trail: every flush of business data is recorded automatically, in the same transaction.

Explicit events (logins, exports, imports) call `record()`. Encrypted columns are never written
to the log in clear: their changes appear as "***".
"""
from __future__ import annotations

import datetime as dt
import enum
from decimal import Decimal

from flask import has_request_context, request
from flask_login import current_user
from sqlalchemy import event, inspect, insert
from sqlalchemy.orm import Session

from eduflow.extensions import db
from eduflow.models import AuditLog, ImportBatch, ImportRow, LoginAttempt
from eduflow.models.base import EncryptedText, utcnow

# Import staging data is audited by explicit entries (upload, commit, rollback); the records an import
# creates or updates are audited like any other change.
NOT_AUDITED = {AuditLog.__tablename__, LoginAttempt.__tablename__, ImportBatch.__tablename__, ImportRow.__tablename__,
               # a form's one-time token and its stored answer; messages sent (their own record): not business data
               "submission_tokens", "notifications"}
HIDDEN_COLUMNS = {"password_hash", "session_token", "calendar_token", "phone_hash", "name_pinyin", "name_initials",
                  "created_at", "updated_at", "version"}


def init_app(app) -> None:
    # db.session is shared by every app of the process (the benchmark and tests build several): listen once.
    if not event.contains(db.session, "after_flush", _audit_flush):
        event.listen(db.session, "after_flush", _audit_flush)


def _actor() -> tuple[int | None, str]:
    """The signed-in staff user's id (None for a parent or nobody) and the request's address."""
    if not has_request_context():
        return None, ""
    signed_in = current_user and current_user.is_authenticated
    actor = current_user.id if signed_in and not getattr(current_user, "is_parent", False) else None
    return actor, request.remote_addr or ""


def _parent_actor() -> int | None:
    """The signed-in parent account's id, when a parent acts (家长端)."""
    if not has_request_context() or not current_user or not current_user.is_authenticated:
        return None
    return current_user.id if getattr(current_user, "is_parent", False) else None


def _plain(value):
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, (dt.date, dt.time, Decimal)):
        return str(value)
    return value


def _changes(obj, only_modified: bool, deleting: bool = False) -> dict:
    changes = {}
    state = inspect(obj)
    for attr in state.mapper.column_attrs:
        column = attr.columns[0]
        if attr.key in HIDDEN_COLUMNS or column.table.name != state.mapper.local_table.name:
            continue
        history = state.attrs[attr.key].history
        if only_modified and not history.has_changes():
            continue
        old = history.deleted[0] if history.deleted else None
        new = history.added[0] if history.added else (history.unchanged[0] if history.unchanged else None)
        if deleting:  # the row's last values go, nothing replaces them
            old, new = new, None
        if isinstance(column.type, EncryptedText):
            old, new = ("***" if old else None), ("***" if new else None)
        changes[attr.key] = [_plain(old), _plain(new)]
    changes.update(_link_changes(state, only_modified, deleting))
    return changes


def _link_changes(state, only_modified: bool, deleting: bool) -> dict:
    """Many-to-many links (a lead's tags and intended courses …) as the sorted ids before → after."""
    changes = {}
    for relation in state.mapper.relationships:
        if relation.secondary is None or relation.viewonly:
            continue
        history = state.attrs[relation.key].history
        if only_modified and not history.has_changes():
            continue
        kept = [o.id for o in history.unchanged or ()]
        old = sorted(kept + [o.id for o in history.deleted or ()])
        new = sorted(kept + [o.id for o in history.added or ()])
        if deleting:
            old, new = new, None
        if old or new:
            changes[relation.key] = [old if old or only_modified else None, new]
    return changes


def _audit_flush(session: Session, flush_context) -> None:
    if session.info.get("audit_disabled"):
        return
    rows = []
    for action, objects in (("create", session.new), ("update", session.dirty), ("delete", session.deleted)):
        for obj in objects:
            table = getattr(obj, "__tablename__", None)
            if table is None or table in NOT_AUDITED:
                continue
            changes = _changes(obj, only_modified=action == "update", deleting=action == "delete")
            if action == "update" and not changes:
                continue
            key = inspect(obj).mapper.primary_key_from_instance(obj)[0]
            rows.append({"action": action, "entity": table, "entity_id": None if key is None else str(key),
                         "changes": changes})
    if rows:
        actor, ip = _actor()
        now = utcnow()
        session.connection().execute(
            insert(AuditLog), [dict(row, actor_id=actor, parent_account_id=_parent_actor(), ip=ip, created_at=now)
                               for row in rows]
        )


def record(action: str, entity: str, entity_id=None, changes: dict | None = None, actor_id: int | None = None,
           ip: str | None = None, parent_account_id: int | None = None) -> AuditLog:
    """Add an explicit audit entry (login, export, import …) to the current transaction.

    Given both `actor_id` and `ip`, the signed-in user is not consulted: an entry written while a streamed
    response is sent (when the request's User object is no longer bound to a session) names them as plain values.
    """
    if actor_id is None or ip is None:
        actor, address = _actor()
        actor_id = actor if actor_id is None else actor_id
        ip = address if ip is None else ip
        parent_account_id = parent_account_id or _parent_actor()
    entry = AuditLog(actor_id=actor_id, parent_account_id=parent_account_id, action=action,
                     entity=entity,
                     entity_id=None if entity_id is None else str(entity_id), changes=changes, ip=ip)
    db.session.add(entry)
    return entry


def record_deletes(entity: str, rows) -> None:
    """Audit rows removed by a bulk DELETE (which the flush listener cannot see): (id, name) pairs."""
    actor, ip = _actor()
    now = utcnow()
    entries = [{"action": "delete", "entity": entity, "entity_id": str(ident), "changes": {"name": [name, None]},
                "actor_id": actor, "parent_account_id": _parent_actor(), "ip": ip, "created_at": now}
               for ident, name in rows]
    if entries:
        db.session.execute(insert(AuditLog), entries)
