"""Template filters and the navigation each role sees."""
from __future__ import annotations

from dataclasses import dataclass

from flask import current_app, url_for
from flask_babel import format_date, format_datetime, get_translations
from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString
from flask_login import current_user
from markupsafe import Markup
from pytz import utc

from eduflow.auth.forms import LanguageForm
from eduflow.models import Role
from eduflow.security.emails import mask_email
from eduflow.security.phones import mask_phone


@dataclass(frozen=True)
class NavItem:
    endpoint: str
    label: str
    icon: str
    roles: frozenset


NAV = [
    NavItem("dashboard.index", _l("工作台"), "house", frozenset(Role)),
    NavItem("leads.board", _l("线索看板"), "kanban", frozenset({Role.ADMIN, Role.MANAGER, Role.SALES})),
    NavItem("leads.index", _l("线索列表"), "list", frozenset({Role.ADMIN, Role.MANAGER, Role.SALES})),
    NavItem("leads.pool", _l("公海"), "inbox", frozenset({Role.ADMIN, Role.MANAGER, Role.SALES})),
    NavItem("students.index", _l("学员"), "mortarboard", frozenset(Role)),
    NavItem("enrollments.index", _l("报名与缴费"), "receipt",
            frozenset({Role.ADMIN, Role.MANAGER, Role.SALES, Role.ACADEMIC})),
    NavItem("enrollments.reminders", _l("续费提醒"), "bell", frozenset({Role.ADMIN, Role.MANAGER, Role.SALES})),
    NavItem("schedule.classes", _l("班级"), "people", frozenset(Role)),
    NavItem("schedule.timetable", _l("课表"), "calendar", frozenset(Role)),
    NavItem("attendance.today", _l("今日课程"), "check", frozenset({Role.ADMIN, Role.MANAGER, Role.ACADEMIC, Role.TEACHER})),
    NavItem("students.approvals", _l("审批"), "inbox", frozenset({Role.ADMIN, Role.MANAGER})),
    NavItem("students.reviews", _l("评价"), "star", frozenset(Role)),
    NavItem("reports.index", _l("报表"), "graph", frozenset({Role.ADMIN, Role.MANAGER, Role.SALES})),
    NavItem("imports.index", _l("导入"), "upload", frozenset({Role.ADMIN, Role.MANAGER})),
    NavItem("exports.index", _l("导出"), "download", frozenset({Role.ADMIN, Role.MANAGER})),
    NavItem("admin.users", _l("用户"), "people", frozenset({Role.ADMIN})),
    NavItem("admin.campuses", _l("校区"), "building", frozenset({Role.ADMIN})),
    NavItem("admin.courses", _l("课程"), "book", frozenset({Role.ADMIN})),
    NavItem("admin.tags", _l("标签"), "tag", frozenset({Role.ADMIN})),
    NavItem("admin.sources", _l("来源渠道"), "signpost", frozenset({Role.ADMIN})),
    NavItem("admin.settings", _l("规则设置"), "sliders", frozenset({Role.ADMIN})),
    NavItem("admin.audit", _l("审计日志"), "shield", frozenset({Role.ADMIN})),
]


def nav_for(user) -> list[NavItem]:
    return [item for item in NAV if user.role in item.roles and item.endpoint in current_app.view_functions]


def local_datetime(value, fmt: str = "yyyy-MM-dd HH:mm") -> str:
    """Naive UTC from the database, shown in the school's time zone."""
    if value is None:
        return ""
    return format_datetime(utc.localize(value), fmt)


def as_text(value):
    """What `{{ … }}` prints: messages are text. Flask-Babel's lazy strings claim to be HTML (`__html__`), so a
    message carrying user input (`_l("名称“%(name)s”已存在。", name=…)`) would print unescaped; as plain str
    autoescaping applies to them like to every other string. Markup lives in templates."""
    return str(value) if isinstance(value, LazyString) else value


def template_gettext():
    """`_()` for one render, bound to the catalogue of the request's language.

    Jinja's own `_` looks the catalogue up on every call (Flask-Babel finds the request, its locale and
    the cache each time) and, as a context function, copies the template's whole context whenever it is
    called inside a loop that sets a variable: on a board of 120 cards or a week of 460 lessons that was
    a third of the page's time. Same result as Jinja's newstyle gettext under autoescape (every template
    is HTML): the message is markup, its %(variables)s are escaped."""
    translations = get_translations()

    def gettext(string, **variables):
        return Markup(translations.ugettext(string)) % variables

    return gettext


# An id no row has (the id converters accept it), marking where a row's own id goes in a URL pattern.
_ID_MARK = 1_987_654_321


def url_pattern(endpoint: str, key: str, **values):
    """`url_for` once for a list of rows whose links differ only in the id `key`: a function from an id to the URL.
    A board's 120 cards or a campus week's 460 lessons each link twice; building every link through the URL map
    was a tenth of the page's time."""
    path, mark, query = url_for(endpoint, **{key: _ID_MARK}, **values).partition("?")
    head, found, tail = path.partition(str(_ID_MARK))
    if not found:
        raise ValueError(f"{endpoint} has no {key} in its path")
    rest = tail + mark + query
    return lambda ident: f"{head}{int(ident)}{rest}"


def init_app(app) -> None:
    app.jinja_env.finalize = as_text  # before any template is compiled: finalize is built into the code
    app.jinja_env.filters["mask_phone"] = mask_phone
    app.jinja_env.filters["mask_email"] = mask_email
    app.jinja_env.filters["localtime"] = local_datetime
    app.jinja_env.filters["date"] = lambda value: format_date(value, "yyyy-MM-dd") if value else ""
    app.jinja_env.add_extension("jinja2.ext.do")
    app.jinja_env.globals["url_pattern"] = url_pattern

    @app.context_processor
    def _layout_context():
        user = current_user
        return {
            "_": template_gettext(),
            "nav_items": nav_for(user) if user.is_authenticated else [],
            "language_form": LanguageForm(formdata=None, locale=_current_locale()),
            "languages": current_app.config["LANGUAGES"],
            "Role": Role,
        }


def _current_locale() -> str:
    from flask_babel import get_locale

    locale = get_locale()
    return "en" if locale and locale.language == "en" else "zh_CN"
