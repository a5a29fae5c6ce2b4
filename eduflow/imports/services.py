"""An import's life: upload (rows stored, encrypted), map the columns, preview every row, commit, roll back.

Preview and commit run in steps of a few hundred rows, each step its own request and transaction,
driven by the page polling through htmx: a 20,000-row file never holds a request long, any app
server can take the next step, and the progress bar is the batch's own counter. A step is claimed
by bumping `step_token`, so two browsers polling the same import never process a row twice.
A commit is all or nothing: if a step fails, every row already applied is undone and the batch
says why; a finished import can be rolled back by a manager while its records are untouched.
"""
from __future__ import annotations

import json

from flask_babel import gettext as _
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm.exc import StaleDataError

from eduflow import audit
from eduflow.domain import DomainError
from eduflow.extensions import db
from eduflow.imports import rows as row_rules
from eduflow.imports.undo import undo
from eduflow.imports.fields import fields_for, guess_mapping
from eduflow.imports.reading import read_table
from eduflow.models import ImportAction, ImportBatch, ImportKind, ImportRow, ImportStatus, User, utcnow
from eduflow.security.crypto import blind_index

VALIDATE_STEP = 500
COMMIT_STEP = 500
INSERT_CHUNK = 1000
RUNNING = (ImportStatus.VALIDATING, ImportStatus.COMMITTING)


# ---------- upload and mapping ----------

def upload(stream, filename: str, *, kind: ImportKind, campus_id: int, by: User) -> ImportBatch:
    """Read the file row by row into a new batch (nothing is checked yet); the caller commits."""
    headers, data = read_table(stream, filename)
    batch = ImportBatch(kind=kind, campus_id=campus_id, created_by_id=by.id, filename=filename[:255],
                        headers=headers, status=ImportStatus.MAPPING, counts={})
    batch.mapping = guess_mapping(kind, headers, remembered_mapping(kind, by))
    db.session.add(batch)
    db.session.flush()
    total, chunk = 0, []
    for number, cells in data:
        chunk.append(ImportRow(batch_id=batch.id, row_number=number, cells=json.dumps(cells, ensure_ascii=False)))
        total += 1
        if len(chunk) >= INSERT_CHUNK:
            _insert(chunk)
            chunk = []
    _insert(chunk)
    if total == 0:
        raise DomainError(_("文件只有标题行，没有数据。"))
    batch.total_rows = total
    audit.record("import_upload", ImportBatch.__tablename__, batch.id,
                 {"kind": kind.value, "filename": batch.filename, "rows": total})
    return batch


def _insert(chunk: list[ImportRow]) -> None:
    db.session.add_all(chunk)
    db.session.flush()
    for row in chunk:
        db.session.expunge(row)


def remembered_mapping(kind: ImportKind, user: User) -> dict[str, str]:
    """The header names this user chose for each field in their last import of this kind."""
    last = db.session.scalars(select(ImportBatch).where(ImportBatch.kind == kind, ImportBatch.created_by_id == user.id,
                                                        ImportBatch.status != ImportStatus.MAPPING)
                              .order_by(ImportBatch.id.desc()).limit(1)).first()
    if last is None or not last.mapping:
        return {}
    return {key: last.headers[index] for key, index in last.mapping.items() if index < len(last.headers)}


def set_mapping(batch: ImportBatch, mapping: dict[str, int]) -> None:
    """Choose the columns and (re)start the preview from the first row."""
    if batch.status not in (ImportStatus.MAPPING, ImportStatus.PREVIEWED, ImportStatus.FAILED):
        raise DomainError(_("这个导入已经提交，不能再修改列对应。"))
    missing = [str(f.label) for f in fields_for(batch.kind) if f.required and f.key not in mapping]
    if missing:
        raise DomainError(_("请为必填字段选择列：%(fields)s", fields=_("、").join(missing)))
    used = list(mapping.values())
    if len(used) != len(set(used)):
        raise DomainError(_("同一列不能对应两个字段。"))
    if any(not 0 <= i < len(batch.headers) for i in used):
        raise DomainError(_("请选择文件中的列。"))
    db.session.execute(update(ImportRow).where(ImportRow.batch_id == batch.id)
                       .values(action=None, message="", phone_hash=None))
    batch.mapping, batch.status, batch.processed_rows, batch.error = mapping, ImportStatus.VALIDATING, 0, ""
    batch.counts = {}


# ---------- processing steps ----------

def run_step(batch_id: int, by: User) -> None:
    """Process the next rows of the running phase, if no one else is; commits its own transaction."""
    batch = db.session.get(ImportBatch, batch_id)
    if batch is None or batch.status not in RUNNING:
        return
    token = batch.step_token
    try:
        claimed = db.session.execute(update(ImportBatch).where(ImportBatch.id == batch_id,
                                                               ImportBatch.step_token == token)
                                     .values(step_token=token + 1)).rowcount
    except OperationalError:  # SQLite: another step holds the write lock
        db.session.rollback()
        return
    if not claimed:
        db.session.rollback()
        return
    db.session.refresh(batch)
    if batch.status == ImportStatus.VALIDATING:
        _validate_step(batch)
        db.session.commit()
    else:
        _commit_step(batch, by)


def _context(batch: ImportBatch) -> row_rules.Context:
    return row_rules.Context(batch.kind, batch.campus_id, {k: int(v) for k, v in (batch.mapping or {}).items()})


def _validate_step(batch: ImportBatch) -> None:
    rows = list(db.session.scalars(select(ImportRow).where(ImportRow.batch_id == batch.id, ImportRow.action.is_(None))
                                   .order_by(ImportRow.row_number).limit(VALIDATE_STEP)))
    if not rows:
        batch.status, batch.counts = ImportStatus.PREVIEWED, action_counts(batch.id)
        return
    context = _context(batch)
    outcomes = [(row, row_rules.evaluate(context, json.loads(row.cells))) for row in rows]
    for row, outcome in outcomes:
        row.phone_hash = blind_index(outcome.phone) if outcome.phone else None
    first_seen = _earlier_rows(batch.id, rows[0].row_number, [r.phone_hash for r, _ in outcomes if r.phone_hash])
    for row, outcome in outcomes:
        earlier = first_seen.get(row.phone_hash)
        if row.phone_hash and earlier is not None and earlier < row.row_number:
            outcome.errors.append(_("与第 %(row)s 行的电话重复", row=earlier))
            outcome.action = ImportAction.REJECT
        elif row.phone_hash:
            first_seen[row.phone_hash] = row.row_number
        row.action, row.message = outcome.action, outcome.message
    batch.processed_rows += len(rows)
    db.session.flush()


def _earlier_rows(batch_id: int, before: int, hashes: list[str]) -> dict[str, int]:
    """The first row number of each phone among the rows already checked."""
    query = (select(ImportRow.phone_hash, func.min(ImportRow.row_number))
             .where(ImportRow.batch_id == batch_id, ImportRow.row_number < before,
                    ImportRow.phone_hash.in_(set(hashes))).group_by(ImportRow.phone_hash))
    return dict(db.session.execute(query).all()) if hashes else {}


def action_counts(batch_id: int) -> dict[str, int]:
    query = (select(ImportRow.action, func.count()).where(ImportRow.batch_id == batch_id)
             .group_by(ImportRow.action))
    return {action.value: n for action, n in db.session.execute(query).all() if action is not None}


# ---------- commit ----------

def start_commit(batch: ImportBatch, *, skip_rejected: bool) -> None:
    if batch.status != ImportStatus.PREVIEWED:
        raise DomainError(_("请先完成预览再导入。"))
    rejected = (batch.counts or {}).get(ImportAction.REJECT.value, 0)
    if rejected and not skip_rejected:
        raise DomainError(_("有 %(n)s 行被拒绝：请修正文件后重新上传，或选择跳过被拒绝的行。", n=rejected))
    to_apply = sum((batch.counts or {}).get(a.value, 0) for a in (ImportAction.CREATE, ImportAction.UPDATE))
    if not to_apply:
        raise DomainError(_("没有需要导入的行：所有行都无变化或被拒绝。"))
    batch.status, batch.skip_rejected, batch.processed_rows = ImportStatus.COMMITTING, skip_rejected, 0


def progress(batch: ImportBatch) -> tuple[int, int]:
    """(done, of) for the running phase: rows checked of all rows, or rows applied of those to apply."""
    if batch.status == ImportStatus.VALIDATING:
        return batch.processed_rows, batch.total_rows
    counts = batch.counts or {}
    return batch.processed_rows, counts.get("create", 0) + counts.get("update", 0)


def _commit_step(batch: ImportBatch, by: User) -> None:
    rows = list(db.session.scalars(select(ImportRow).where(
        ImportRow.batch_id == batch.id, ImportRow.applied.is_(False),
        ImportRow.action.in_((ImportAction.CREATE, ImportAction.UPDATE))).order_by(ImportRow.row_number)
        .limit(COMMIT_STEP)))
    if not rows:
        _finish(batch, by)
        db.session.commit()
        return
    context = _context(batch)
    try:
        applied = []
        for row in rows:
            outcome = row_rules.evaluate(context, json.loads(row.cells))
            if outcome.action == ImportAction.REJECT:
                raise DomainError(_("第 %(row)s 行：%(reason)s", row=row.row_number, reason=outcome.message))
            if outcome.action != ImportAction.UNCHANGED:
                record, before = row_rules.apply(context, outcome, by)
                row.before = None if before is None else json.dumps(before, ensure_ascii=False)
                applied.append((row, record))
            row.action, row.applied = outcome.action, True
        db.session.flush()
        row_rules.after_flush(context, [r for row, r in applied if row.action == ImportAction.CREATE], by)
        for row, record in applied:
            row.target_id = record.id
        batch.processed_rows += len(rows)
        db.session.commit()
    except (DomainError, IntegrityError, StaleDataError) as error:
        db.session.rollback()
        reason = str(error) if isinstance(error, DomainError) else _("数据在导入期间被他人修改。")
        _abandon(batch.id, reason)


def _finish(batch: ImportBatch, by: User) -> None:
    batch.status, batch.finished_at = ImportStatus.DONE, utcnow()
    applied = (select(ImportRow.action, func.count()).where(ImportRow.batch_id == batch.id, ImportRow.applied)
               .group_by(ImportRow.action))
    done = {action.value: n for action, n in db.session.execute(applied).all()}
    batch.counts = {**(batch.counts or {}), "applied": done}
    audit.record("import", ImportBatch.__tablename__, batch.id,
                 {"kind": batch.kind.value, "filename": batch.filename, "created": done.get("create", 0),
                  "updated": done.get("update", 0), "skipped": (batch.counts or {}).get("reject", 0)},
                 actor_id=by.id)


def _abandon(batch_id: int, reason: str) -> None:
    """A step failed: undo what earlier steps applied, so the commit leaves nothing behind."""
    batch = db.session.get(ImportBatch, batch_id)
    problems = _undo_rows(batch, since=utcnow())
    batch.status = ImportStatus.FAILED
    batch.error = _("导入失败，已撤销已导入的行。原因：%(reason)s", reason=reason)
    if problems:  # someone worked on a just-imported record within seconds: say so rather than lose their work
        batch.error = _("导入失败，部分已导入的行未能撤销：%(problems)s。原因：%(reason)s",
                        problems="；".join(problems), reason=reason)
    db.session.commit()


def _undo_rows(batch: ImportBatch, since) -> list[str]:
    """Undo every applied row of the batch; nothing changes when the answer lists problems."""
    applied = db.session.execute(select(ImportRow.target_id, ImportRow.action, ImportRow.before)
                                 .where(ImportRow.batch_id == batch.id, ImportRow.applied,
                                        ImportRow.target_id.is_not(None))).all()
    created = [target for target, action, _ in applied if action == ImportAction.CREATE]
    updated = [(target, before) for target, action, before in applied if action == ImportAction.UPDATE]
    problems = undo(batch.kind, created, updated, since)
    if not problems:
        db.session.execute(update(ImportRow).where(ImportRow.batch_id == batch.id, ImportRow.applied)
                           .values(applied=False, target_id=None, before=None))
    return problems


# ---------- rollback ----------

def rollback(batch: ImportBatch, *, by: User) -> None:
    """Undo a finished import exactly: created records go, updated ones get their old values back.
    Refused, changing nothing, when any of its records was worked on since; the caller commits."""
    if batch.status != ImportStatus.DONE:
        raise DomainError(_("只有已完成的导入可以撤销。"))
    problems = _undo_rows(batch, since=batch.finished_at)
    if problems:
        db.session.rollback()
        raise DomainError(_("不能撤销：%(problems)s", problems="；".join(problems[:5])))
    batch.status, batch.rolled_back_at, batch.rolled_back_by_id = ImportStatus.ROLLED_BACK, utcnow(), by.id
    audit.record("import_rollback", ImportBatch.__tablename__, batch.id,
                 {"kind": batch.kind.value, "filename": batch.filename})


def preview_rows(batch: ImportBatch, rows: list[ImportRow]) -> list[tuple[ImportRow, str, str]]:
    """(row, name cell, phone cell) for the preview table."""
    mapping = batch.mapping or {}

    def cell(cells: list[str], key: str) -> str:
        index = mapping.get(key)
        return cells[index] if index is not None and index < len(cells) else ""

    return [(row, cell(cells, "name"), cell(cells, "phone")) for row in rows for cells in [json.loads(row.cells)]]
