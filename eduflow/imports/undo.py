"""Undoing an import: every record put back as it was before, or nothing changed and the reason said."""
from __future__ import annotations

import datetime as dt
import json

from flask_babel import gettext as _
from sqlalchemy import delete, func, select

from eduflow import audit
from eduflow.extensions import db
from eduflow.models import (
    Attendance, Course, CustomerLevel, Enrollment, FollowUp, Gender, ImportKind, Lead, LeadPoolEvent, LeadStageChange,
    Parent, Review, SixSpeed, StatusChange, Student, TrialLesson, lead_courses, lead_tags, student_tags,
)
from eduflow.rollups import sales as rollups

DATE_FIELDS = {"birth_date", "consult_date"}

CHUNK = 500


def _chunks(ids: list[int]):
    for start in range(0, len(ids), CHUNK):
        yield ids[start:start + CHUNK]


def undo(kind: ImportKind, created: list[int], updated: list[tuple[int, str]], since: dt.datetime) -> list[str]:
    """Put every record back as it was before the import: updated ones get their old values, created ones
    are deleted. Changes nothing and says why when any of them was modified or worked on since `since`."""
    model = Lead if kind == ImportKind.LEADS else Student
    problems = _modified_since(model, created + [target for target, _ in updated], since)
    problems += _worked_on(kind, created)
    if problems:
        return problems
    for target, before in updated:
        _restore(model, target, json.loads(before))
    db.session.flush()
    _delete(kind, created)
    return []


def _modified_since(model, ids: list[int], since: dt.datetime) -> list[str]:
    names = []
    for chunk in _chunks(ids):
        names += db.session.scalars(select(model.name).where(model.id.in_(chunk), model.updated_at > since))
    return [_("%(name)s 在导入后又被修改过", name=name) for name in names[:5]]


def _worked_on(kind: ImportKind, ids: list[int]) -> list[str]:
    """Created records that have since gained records of their own (follow-ups, trials, enrolments …)."""
    if kind == ImportKind.LEADS:
        owner, checks = Lead, [FollowUp.lead_id, TrialLesson.lead_id, SixSpeed.lead_id, LeadPoolEvent.lead_id]
    else:
        owner, checks = Student, [Enrollment.student_id, FollowUp.student_id, Attendance.student_id,
                                  StatusChange.student_id, Review.student_id, Lead.converted_student_id,
                                  Lead.referrer_student_id]
    busy: set[int] = set()
    for chunk in _chunks(ids):
        for column in checks:
            busy |= set(db.session.scalars(select(column).where(column.in_(chunk)).distinct()))
        if kind == ImportKind.LEADS:
            busy |= set(db.session.scalars(select(LeadStageChange.lead_id).where(LeadStageChange.lead_id.in_(chunk))
                                           .group_by(LeadStageChange.lead_id).having(func.count() > 1)))
        else:
            busy |= set(db.session.scalars(select(Parent.student_id).where(Parent.student_id.in_(chunk))
                                           .group_by(Parent.student_id).having(func.count() > 1)))
    if not busy:
        return []
    names = db.session.scalars(select(owner.name).where(owner.id.in_(sorted(busy)[:5])))
    return [_("%(name)s 在导入后已有跟进、报名或其他记录", name=name) for name in names]


def _restore(model, target_id: int, values: dict) -> None:
    record = db.session.get(model, target_id)
    course_ids = values.pop("course_ids", None)
    for key, value in values.items():
        setattr(record, key, _typed(key, value))
    if course_ids is not None:
        record.courses = list(db.session.scalars(select(Course).where(Course.id.in_(course_ids))))


def _typed(key: str, value):
    """A value from the JSON snapshot, back in the type its column holds."""
    if value is None:
        return None
    if key in DATE_FIELDS:
        return dt.date.fromisoformat(value)
    return {"gender": Gender, "level": CustomerLevel}.get(key, lambda v: v)(value)


def _delete(kind: ImportKind, ids: list[int]) -> None:
    """Delete the created records and what the import made with them, in bulk, each deletion audited."""
    model = Lead if kind == ImportKind.LEADS else Student
    for chunk in _chunks(ids):
        names = db.session.execute(select(model.id, model.name).where(model.id.in_(chunk))).all()
        rollups.forget(**{"lead_ids" if kind == ImportKind.LEADS else "student_ids": chunk})
        if kind == ImportKind.LEADS:
            db.session.execute(delete(LeadStageChange).where(LeadStageChange.lead_id.in_(chunk)))
            db.session.execute(delete(lead_courses).where(lead_courses.c.lead_id.in_(chunk)))
            db.session.execute(delete(lead_tags).where(lead_tags.c.lead_id.in_(chunk)))
        else:
            parents = db.session.execute(select(Parent.id, Parent.name).where(Parent.student_id.in_(chunk))).all()
            db.session.execute(delete(Parent).where(Parent.student_id.in_(chunk)))
            db.session.execute(delete(student_tags).where(student_tags.c.student_id.in_(chunk)))
            audit.record_deletes(Parent.__tablename__, parents)
        db.session.execute(delete(model).where(model.id.in_(chunk)))
        audit.record_deletes(model.__tablename__, names)
