"""The parent side's tab bar: each tab shown once its page exists (pages are added area by area)."""
from __future__ import annotations

from flask import current_app
from flask_babel import lazy_gettext as _l

from eduflow.parents import bp

TABS = (
    ("parent.home", _l("首页")),
    ("parent.timetable", _l("课表")),
    ("parent.hours", _l("课时")),
    ("parent.payments", _l("缴费")),
    ("parent.reviews", _l("评价")),
    ("parent.inbox", _l("消息")),
)


def parent_tabs() -> list[tuple[str, str]]:
    """The tabs whose endpoints the app serves, in order."""
    return [(endpoint, label) for endpoint, label in TABS if endpoint in current_app.view_functions]


@bp.app_context_processor
def _tabs():
    return {"parent_tabs": parent_tabs}
