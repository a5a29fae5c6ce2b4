"""Admin rules: accounts (roles, passwords, deactivation with inheritance), reference data and settings."""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import Select, func, or_, select, update
from sqlalchemy.exc import IntegrityError

from eduflow.access import (
    LEAD_OWNERS, accounts_in, accounts_with, changes_role, role_may_own_leads, role_needs_campus,
)
from eduflow.auth.services import new_session_token, set_password, user_words
from eduflow.domain import DomainError
from eduflow.extensions import db
from eduflow.models import (
    AttendanceStatus, Campus, Classroom, Course, Lead, LeadInheritance, LeadPoolEvent, NotificationKind, PoolAction,
    Role, Settings, SixSpeed, SourceChannel, Student, Tag, User, utcnow,
)
from eduflow.notifications.staff import path_to, staff_events
from eduflow.reference import ensure_reference_data
from eduflow.security.passwords import hash_password
from eduflow.security.strength import account_words, password_problem

class UserError(DomainError, ValueError):
    """A user change that breaks a rule; the message is shown to the admin."""


def _check_campus(role: Role, campus: Campus | None) -> None:
    if role_needs_campus(role) and campus is None:
        raise UserError(_("该角色必须属于一个校区。"))


def create_user(*, username: str, display_name: str, role: Role, campus: Campus | None, password: str,
                **profile) -> User:
    """Create an account; usernames are unique regardless of case."""
    username = username.strip()
    if username_taken(username):
        raise UserError(_("用户名 %(name)s 已被使用。", name=username))
    _check_campus(role, campus)
    _check_password(password, account_words(username=username, display_name=display_name,
                                            email=profile.get("email")))
    user = User(username=username, display_name=display_name.strip(), role=role,
                campus=campus,
                password_hash=hash_password(password), session_token=new_session_token(), **profile)
    db.session.add(user)
    db.session.flush()
    return user


def username_taken(username: str) -> bool:
    return db.session.scalar(select(User.id).where(func.lower(User.username) == username.strip().lower())) is not None


def update_user(user: User, *, role: Role, campus: Campus | None, operator: User | None = None, **profile) -> None:
    """Change role, campus and profile. Moving a user who owns records needs an inheritance first."""
    if operator is not None and operator.id == user.id and changes_role(user, role):
        raise UserError(_("不能修改自己的角色。"))
    _check_campus(role, campus)
    campus_changes = (campus.id if campus else None) != user.campus_id
    if (campus_changes or not role_may_own_leads(role)) and owned_counts(user) != (0, 0):
        raise UserError(_("该用户名下还有线索或学员，请先通过离职继承转移给他人。"))
    user.role, user.campus = role, campus
    for name, value in profile.items():
        setattr(user, name, value)
    if campus_changes:
        user.session_token = new_session_token()


def reset_password(user: User, password: str) -> None:
    """The admin sets a new password; every session of the user ends."""
    _check_password(password, user_words(user))
    set_password(user, password)


def _check_password(password: str, words: list[str]) -> None:
    problem = password_problem(password, words)
    if problem:
        raise UserError(problem)


def activate_user(user: User) -> None:
    """复职: the account may sign in again; records inherited by others stay with them."""
    if user.is_active:
        raise UserError(_("该用户已是在职状态。"))
    user.is_active = True
    user.leave_date = None


def selectable_campuses(current_id: int | None = None) -> list[Campus]:
    """Active campuses, plus the given one even when closed, so an edit form can still show it."""
    return list(db.session.scalars(
        select(Campus).where(or_(Campus.is_active, Campus.id == current_id)).order_by(Campus.name)
    ))


def filter_users(query: Select, *, search: str = "", role: Role | None = None, campus_id: int | None = None,
                 active: bool | None = None) -> Select:
    """Narrow a user list by role, campus, status and a username / display-name search."""
    if search:
        query = query.where(or_(User.username.icontains(search, autoescape=True),
                                User.display_name.icontains(search, autoescape=True)))
    if role is not None:
        query = query.where(accounts_with(role))
    if campus_id is not None:
        query = query.where(User.campus_id == campus_id)
    if active is not None:
        query = query.where(User.is_active.is_(active))
    return query.order_by(User.is_active.desc(), User.username)


def owned_counts(user: User) -> tuple[int, int]:
    leads = db.session.scalar(select(func.count(Lead.id)).where(Lead.owner_id == user.id))
    students = db.session.scalar(select(func.count(Student.id)).where(Student.owner_id == user.id))
    return leads, students


def heir_candidates(user: User) -> list[User]:
    """Active sales staff and managers of the same campus who may inherit the user's records."""
    return list(db.session.scalars(
        select(User).where(User.is_active, User.id != user.id, accounts_in(LEAD_OWNERS),
                           User.campus_id == user.campus_id).order_by(User.display_name)
    ))


@dataclass
class DeactivationResult:
    inheritance: LeadInheritance | None


def deactivate_user(user: User, *, operator: User, heir: User | None, leave_date, notes: str = "") -> DeactivationResult:
    """离职: move owned leads and students to the heir (with history), then deactivate. Never deletes."""
    if not user.is_active:
        raise UserError(_("该用户已停用。"))
    if user.id == operator.id:
        raise UserError(_("不能停用自己的账号。"))
    leads, students = owned_counts(user)
    inheritance = None
    if leads or students:
        if heir is None:
            raise UserError(_("该用户名下有 %(leads)s 条线索和 %(students)s 名学员，请选择继承人。",
                              leads=leads, students=students))
        if heir not in heir_candidates(user):
            raise UserError(_("继承人必须是同校区在职的课程顾问或主管。"))
        inheritance = inherit_records(user, heir, operator=operator, notes=notes)
    user.is_active = False
    user.leave_date = leave_date
    user.session_token = new_session_token()
    return DeactivationResult(inheritance)


def inherit_records(from_user: User, to_user: User, *, operator: User, notes: str = "") -> LeadInheritance:
    """Move every lead (stage, follow-ups, six-speed and tags stay with the lead) and student."""
    lead_ids = list(db.session.scalars(select(Lead.id).where(Lead.owner_id == from_user.id)))
    now = utcnow()
    for lead_id in lead_ids:
        db.session.add(LeadPoolEvent(lead_id=lead_id, action=PoolAction.INHERIT, from_user_id=from_user.id,
                                     to_user_id=to_user.id, by_user_id=operator.id, reason=notes, happened_at=now))
    # Bulk updates bump the optimistic-lock version by hand, so open editors see the change.
    db.session.execute(
        update(Lead).where(Lead.owner_id == from_user.id)
        .values(owner_id=to_user.id, owner_assigned_at=now, version=Lead.version + 1)
        .execution_options(synchronize_session=False)
    )
    db.session.execute(update(SixSpeed).where(SixSpeed.lead_id.in_(lead_ids)).values(owner_id=to_user.id)
                       .execution_options(synchronize_session=False))
    students = db.session.execute(
        update(Student).where(Student.owner_id == from_user.id).values(owner_id=to_user.id)
        .execution_options(synchronize_session=False)
    ).rowcount
    record = LeadInheritance(from_user_id=from_user.id, to_user_id=to_user.id, leads_moved=len(lead_ids),
                             students_moved=students, operator_id=operator.id, notes=notes, created_at=now)
    db.session.add(record)
    db.session.flush()
    if lead_ids or students:  # the heir hears of it once, not once per lead (a departing seller may hold thousands)
        staff_events(NotificationKind.RECORDS_INHERITED, [to_user.id], f"inherited:{record.id}",
                     {"by": operator.display_name, "from_user": from_user.display_name, "count": len(lead_ids),
                      "students": students}, campus_id=to_user.campus_id, link=path_to("leads.index"), by=operator)
    db.session.expire_all()
    return record


# Reference data: the fields an admin may edit on each table. Tag kind and system_code are absent on
# purpose: the scheduled job finds its system tags by code, so a system tag can be renamed, never re-keyed.
EDITABLE_FIELDS = {
    Campus: {"name", "address", "phone", "is_active"},
    Classroom: {"name", "seats", "is_active"},
    Course: {"name", "description", "total_lessons", "price", "is_active"},
    Tag: {"name", "category"},
    SourceChannel: {"name", "is_referral", "is_active", "sort_order"},
}


def name_taken(model, name: str, record=None, **scope) -> bool:
    """Whether another `model` row (within `scope`, e.g. campus_id=…) already has this name, ignoring case."""
    query = select(model.id).where(func.lower(model.name) == name.strip().lower(), *(
        getattr(model, column) == value for column, value in scope.items()))
    if record is not None and record.id is not None:
        query = query.where(model.id != record.id)
    return db.session.scalar(query.limit(1)) is not None


def save_reference(record, **values):
    """Create or update a campus, classroom, course, tag or source channel; names stay unique."""
    unknown = set(values) - EDITABLE_FIELDS[type(record)]
    if unknown:
        raise ValueError(f"not editable on {type(record).__name__}: {sorted(unknown)}")
    for field, value in values.items():
        setattr(record, field, value)
    name = record.name
    db.session.add(record)
    try:
        db.session.flush()
    except IntegrityError as error:  # another save took the name after the form checked it
        raise UserError(_("名称“%(name)s”已存在。", name=name)) from error
    return record


def default_settings() -> Settings:
    """The global rule settings, created with the reference data when missing (the caller commits)."""
    settings = db.session.scalar(select(Settings).where(Settings.campus_id.is_(None)))
    if settings is None:
        ensure_reference_data()
        settings = db.session.scalar(select(Settings).where(Settings.campus_id.is_(None)))
    return settings


def campus_settings(campus: Campus) -> Settings | None:
    """The campus's own override, or None when it follows the defaults."""
    return db.session.scalar(select(Settings).where(Settings.campus_id == campus.id))


def settings_overview() -> list[tuple[Campus, Settings | None]]:
    overrides = {s.campus_id: s for s in db.session.scalars(select(Settings).where(Settings.campus_id.is_not(None)))}
    campuses = db.session.scalars(select(Campus).order_by(Campus.is_active.desc(), Campus.name))
    return [(campus, overrides.get(campus.id)) for campus in campuses]


def save_settings(settings: Settings, *, deducting, **thresholds) -> Settings:
    """Store thresholds and the attendance statuses that deduct lesson units (kept in enum order)."""
    for name, value in thresholds.items():
        setattr(settings, name, value)
    chosen = {AttendanceStatus(status) for status in deducting}
    settings.deducting_statuses = ",".join(status.value for status in AttendanceStatus if status in chosen)
    db.session.add(settings)
    db.session.flush()
    return settings


def save_campus_settings(campus: Campus, **values) -> Settings:
    """Save the campus override, creating it on first save."""
    return save_settings(campus_settings(campus) or Settings(campus_id=campus.id), **values)


def use_default_settings(campus: Campus) -> bool:
    """Drop the campus override so the defaults apply again; False when there was none."""
    override = campus_settings(campus)
    if override is None:
        return False
    db.session.delete(override)
    db.session.flush()
    return True
