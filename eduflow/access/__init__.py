"""Roles and record scope in one package: `rules` names every permission, `scopes` limits every query.

`scoped(Model)` is the only way views list records and `get_or_404(Model, id)` the only way
they load one: a record outside the user's scope does not exist for them (404). Who may do what is
decided in `rules` and nowhere else (tests/core/test_permission_home.py keeps it so).
"""
from eduflow.access.rules import (  # noqa: F401
    ADMINS, CAMPUS_BOUND, EVERYONE, LEAD_OWNERS, MARKERS, OFFICE, REVIEW_REPLIERS, SALES_SIDE, SCHOOL_OFFICE,
    STUDENT_WRITERS, accounts_in, accounts_with, changes_role, has_role, home_campus, in_roles, is_academic,
    is_admin, is_manager, is_office, is_parent, is_sales, is_staff, is_teacher, manages_campus, may_book_makeups, may_correct_locked,
    may_decide, may_manage_records, may_mark, may_open, may_own_leads, may_reply, may_see_full_phone, may_see_id_card,
    role_may_own_leads, role_needs_campus, role_required, sales_accounts, teacher_accounts, teaches,
)
from eduflow.access.scopes import SCOPES, DeletedLead, get_or_404, scope_clause, scoped, taught_lessons  # noqa: F401
