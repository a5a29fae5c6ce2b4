"""Links the user may follow: the main navigation, each entry shown for the roles its view's own role_required
admits (access.may_open), and `link_pattern`, the same rule for a list's links (the dashboard's lessons …)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from flask_babel import lazy_gettext as _l

from eduflow.access import is_manager, is_sales, may_open
from eduflow.templating import url_pattern


@dataclass(frozen=True)
class NavItem:
    endpoint: str
    label: object


NAV = [
    NavItem("dashboard.index", _l("工作台")),
    NavItem("messages.index", _l("消息")),
    NavItem("leads.board", _l("线索看板")),
    NavItem("leads.index", _l("线索列表")),
    NavItem("leads.pool", _l("公海")),
    NavItem("students.index", _l("学员")),
    NavItem("enrollments.index", _l("报名与缴费")),
    NavItem("enrollments.reminders", _l("续费提醒")),
    NavItem("schedule.classes", _l("班级")),
    NavItem("schedule.timetable", _l("课表")),
    NavItem("attendance.today", _l("今日课程")),
    NavItem("students.approvals", _l("审批")),
    NavItem("students.reviews", _l("评价")),
    NavItem("reports.index", _l("报表")),
    NavItem("imports.index", _l("导入")),
    NavItem("exports.index", _l("导出")),
    NavItem("admin.users", _l("用户")),
    NavItem("admin.campuses", _l("校区")),
    NavItem("admin.courses", _l("课程")),
    NavItem("admin.tags", _l("标签")),
    NavItem("admin.sources", _l("来源渠道")),
    NavItem("admin.settings", _l("规则设置")),
    NavItem("admin.notification_templates", _l("通知模板")),
    NavItem("admin.audit", _l("审计日志")),
    NavItem("admin.notification_failures", _l("通知失败")),
]


def main_nav() -> list[NavItem]:
    """The entries the signed-in user may open, in the menu's order."""
    return [item for item in NAV if may_open(item.endpoint)]


def link_pattern(endpoint: str, key: str, **values) -> Callable[[int], str] | None:
    """`url_pattern` for a list's links to one screen if the user's role may open it, else None: draw the rows
    without a link. url_pattern alone asks nobody, so a list linking every role to a page some roles may not
    open (a salesperson's 今日课程 to the attendance sheet) answered them 403."""
    return url_pattern(endpoint, key, **values) if may_open(endpoint) else None


def init_app(app) -> None:
    app.jinja_env.globals["main_nav"] = main_nav
    app.jinja_env.globals["link_pattern"] = link_pattern
    app.jinja_env.globals["may_open"] = may_open
    app.jinja_env.globals["is_sales"] = is_sales
    app.jinja_env.globals["is_manager"] = is_manager
