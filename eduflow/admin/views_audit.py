"""审计日志: search the audit trail by actor, entity, action and date, newest first.

The log grows by every change anyone makes (500,000 entries is a year of a busy school), so the page never
sorts, offsets or counts all of it: each filter has an index ending in (created_at, id) (migration 0010),
"next" and "previous" carry the (created_at, id) of the entry the page stopped at and start from there, and
the total is counted up to COUNT_CAP. A bare ?page= (a typed or old link) still works, within COUNT_CAP.
"""
from __future__ import annotations

import datetime as dt
import json
import math
from dataclasses import dataclass

from flask import current_app, request
from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy.orm import joinedload

from eduflow.access import ADMINS, role_required
from eduflow.admin import bp
from eduflow.admin.audit_names import NAMED_RECORDS, SUGGESTIONS, people_named, records_named
from eduflow.admin.forms_audit import AuditFilterForm, AuditFilters, action_label, entity_label, no_actor_label
from eduflow.extensions import db
from eduflow.models import AuditLog
from eduflow.pagination import requested_page
from eduflow.web import link_to, render

COUNT_CAP = 10_000  # entries counted at most: "more than 10,000" says enough, and costs a bounded scan

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


def entry_conditions(filters: AuditFilters) -> list:
    """The WHERE clauses of the filters; each is the leading column of one of the log's indexes."""
    conditions = []
    if filters.no_actor:
        conditions.append(AuditLog.actor_id.is_(None))
    elif filters.actor_id is not None:
        conditions.append(AuditLog.actor_id == filters.actor_id)
    if filters.entity:
        conditions.append(AuditLog.entity == filters.entity)
    if filters.entity_id:
        conditions.append(AuditLog.entity_id == filters.entity_id)
    if filters.entity_ids is not None:  # a typed name's records (a few, capped): the (entity, entity_id) index
        conditions.append(AuditLog.entity_id.in_(filters.entity_ids))
    if filters.action:
        conditions.append(AuditLog.action == filters.action)
    if filters.since:
        conditions.append(AuditLog.created_at >= filters.since)
    if filters.until:
        conditions.append(AuditLog.created_at < filters.until)
    return conditions


def filtered_entries(filters: AuditFilters) -> Select:
    """The audit log narrowed by the filters, newest first (id breaks ties within one flush)."""
    return (select(AuditLog).options(joinedload(AuditLog.actor), joinedload(AuditLog.parent_account))
            .where(*entry_conditions(filters)).order_by(AuditLog.created_at.desc(), AuditLog.id.desc()))


Cursor = tuple[dt.datetime, int]


def cursor_of(entry: AuditLog) -> str:
    return f"{entry.created_at.isoformat()}~{entry.id}"


def parse_cursor(raw: str | None) -> Cursor | None:
    """A cursor from a link, or None for anything else (a mangled link shows the first page)."""
    try:
        stamp, ident = (raw or "").rsplit("~", 1)
        return dt.datetime.fromisoformat(stamp).replace(tzinfo=None), int(ident)
    except ValueError:
        return None


def _older_than(cursor: Cursor):
    """Entries after `cursor` in newest-first order, written as an index range plus a tie-break (a row-value
    comparison or a plain OR would not be an index range on every database)."""
    stamp, ident = cursor
    return and_(AuditLog.created_at <= stamp, or_(AuditLog.created_at < stamp, AuditLog.id < ident))


def _newer_than(cursor: Cursor):
    stamp, ident = cursor
    return and_(AuditLog.created_at >= stamp, or_(AuditLog.created_at > stamp, AuditLog.id > ident))


@dataclass
class AuditPage:
    """One page of entries, the capped total, and the arguments of the links to its neighbours."""

    items: list[AuditLog]
    number: int
    total: int  # at most COUNT_CAP + 1
    prev_args: dict | None
    next_args: dict | None

    @property
    def total_capped(self) -> bool:
        return self.total > COUNT_CAP


def audit_page(filters: AuditFilters, size: int) -> AuditPage:
    """The requested page: from a cursor (an index range at any depth), else by page number."""
    query = filtered_entries(filters)
    args = {k: v for k, v in request.args.items() if k not in ("page", "after", "before")}
    total = db.session.scalar(select(func.count()).select_from(
        select(AuditLog.id).where(*entry_conditions(filters)).limit(COUNT_CAP + 1).subquery()))
    number = requested_page()
    after, before = parse_cursor(request.args.get("after")), parse_cursor(request.args.get("before"))
    if after:
        items = list(db.session.scalars(query.where(_older_than(after)).limit(size + 1)))
        has_prev, has_next = number > 1, len(items) > size
        items = items[:size]
    elif before:
        items = list(db.session.scalars(query.where(_newer_than(before)).order_by(None)
                                        .order_by(AuditLog.created_at, AuditLog.id).limit(size + 1)))
        has_prev, has_next = len(items) > size, True
        items = items[:size][::-1]
    else:
        last = max(1, math.ceil(min(total, COUNT_CAP) / size))
        number = min(number, last)  # beyond the last page (or the counted ones): the last page
        items = list(db.session.scalars(query.offset((number - 1) * size).limit(size + 1)))
        has_prev, has_next = number > 1, len(items) > size
        items = items[:size]
    number = max(number, 1)
    prev_args = next_args = None
    if has_prev and items:
        prev_args = args if number <= 2 else {**args, "page": number - 1, "before": cursor_of(items[0])}
    if has_next and items:
        next_args = {**args, "page": number + 1, "after": cursor_of(items[-1])}
    return AuditPage(items, number, total, prev_args, next_args)


def record_url(entry: AuditLog) -> str | None:
    """The page of the record an entry is about, while it exists and such a page does."""
    page = RECORD_PAGES.get(entry.entity)
    if page is None or entry.action == "delete" or not (entry.entity_id or "").isdigit():
        return None
    endpoint, key = page
    return link_to(endpoint, **{key: int(entry.entity_id)})


def as_text(value) -> str:
    """A logged value as plain text (autoescaped in the page): strings as they are, anything else as JSON."""
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


@bp.route("/audit")
@role_required(*ADMINS)
def audit():
    """审计日志: every recorded change, login, export and import, filtered and paged."""
    filters = AuditFilterForm(request.args)
    page = audit_page(filters.criteria(), current_app.config["PAGE_SIZE"])
    return render("admin/audit.html", "admin/_audit_results.html", page=page, filters=filters,
                  record_url=record_url, action_label=action_label, entity_label=entity_label, as_text=as_text,
                  count_cap=COUNT_CAP, named_records=NAMED_RECORDS, no_actor=no_actor_label())


def _typed(name: str, limit: int) -> str:
    """What is typed so far in a suggestion field; text no column can hold (a NUL byte) suggests nothing."""
    typed = request.args.get(name, "").strip()[:limit]
    return "" if "\x00" in typed else typed


@bp.route("/audit/people")
@role_required(*ADMINS)
def audit_people():
    """The operator field's suggestions while an admin types a name (htmx fills its datalist)."""
    typed = _typed("actor", 140)
    system = [no_actor_label()] if typed and no_actor_label().startswith(typed) else []
    return render("admin/_audit_names.html", names=system + people_named(typed).labels)


@bp.route("/audit/records")
@role_required(*ADMINS)
def audit_records():
    """The record field's suggestions: names of the chosen kind of record starting like the typed text."""
    typed, entity = _typed("record", 64), request.args.get("entity", "")
    return render("admin/_audit_names.html", names=records_named(entity, typed, cap=SUGGESTIONS).labels)
