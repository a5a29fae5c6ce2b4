"""审计日志: search the audit trail by actor, entity, action and date, newest first."""
from __future__ import annotations

import json

from flask import current_app, request, url_for
from sqlalchemy import Select, select
from sqlalchemy.orm import joinedload

from eduflow.access import role_required
from eduflow.admin import bp
from eduflow.admin.forms_audit import AuditFilterForm, AuditFilters, action_label, entity_label
from eduflow.htmx import render
from eduflow.models import AuditLog, Role
from eduflow.pagination import paginate

# The page that shows a record of each table, and the name of its id in that page's URL.
RECORD_PAGES = {
    "leads": ("leads.detail", "lead_id"),
    "students": ("students.detail", "student_id"),
    "enrollments": ("enrollments.detail", "enrollment_id"),
    "classes": ("schedule.class_detail", "class_id"),
    "lessons": ("attendance.sheet", "lesson_id"),
    "users": ("admin.users_edit", "user_id"),
    "campuses": ("admin.campuses_edit", "campus_id"),
    "courses": ("admin.courses_edit", "course_id"),
    "tags": ("admin.tags_edit", "tag_id"),
    "source_channels": ("admin.sources_edit", "source_id"),
}


def filtered_entries(filters: AuditFilters) -> Select:
    """The audit log narrowed by the filters, newest first (id breaks ties within one flush)."""
    query = select(AuditLog).options(joinedload(AuditLog.actor))
    if filters.no_actor:
        query = query.where(AuditLog.actor_id.is_(None))
    elif filters.actor_id is not None:
        query = query.where(AuditLog.actor_id == filters.actor_id)
    if filters.entity:
        query = query.where(AuditLog.entity == filters.entity)
    if filters.entity_id:
        query = query.where(AuditLog.entity_id == filters.entity_id)
    if filters.action:
        query = query.where(AuditLog.action == filters.action)
    if filters.since:
        query = query.where(AuditLog.created_at >= filters.since)
    if filters.until:
        query = query.where(AuditLog.created_at < filters.until)
    return query.order_by(AuditLog.created_at.desc(), AuditLog.id.desc())


def record_url(entry: AuditLog) -> str | None:
    """The page of the record an entry is about, while it exists and such a page does."""
    page = RECORD_PAGES.get(entry.entity)
    if page is None or entry.action == "delete" or not (entry.entity_id or "").isdigit():
        return None
    endpoint, key = page
    if endpoint not in current_app.view_functions:
        return None
    return url_for(endpoint, **{key: int(entry.entity_id)})


def as_text(value) -> str:
    """A logged value as plain text (autoescaped in the page): strings as they are, anything else as JSON."""
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


@bp.route("/audit")
@role_required(Role.ADMIN)
def audit():
    """审计日志: every recorded change, login, export and import, filtered and paged."""
    filters = AuditFilterForm(request.args)
    page = paginate(filtered_entries(filters.criteria()))
    return render("admin/audit.html", "admin/_audit_results.html", page=page, filters=filters,
                  record_url=record_url, action_label=action_label, entity_label=entity_label, as_text=as_text)
