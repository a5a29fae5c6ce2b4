"""The parent side's tab bar: each tab shown once its page exists (pages are added area by area).

The labels carry their own context ("parent tab"): they are short enough for six tabs on a 375 px phone in
either language, and 首页 here is the parent's home, not pagination's "first page".
"""
from __future__ import annotations

from flask import current_app
from flask_babel import pgettext

from eduflow.parents import bp

TABS = (
    ("parent.home", lambda: pgettext("parent tab", "首页")),
    ("parent.timetable", lambda: pgettext("parent tab", "课表")),
    ("parent.hours", lambda: pgettext("parent tab", "课时")),
    ("parent.payments", lambda: pgettext("parent tab", "缴费")),
    ("parent.reviews", lambda: pgettext("parent tab", "评价")),
    ("parent.inbox", lambda: pgettext("parent tab", "消息")),
)


def parent_tabs() -> list[tuple[str, str]]:
    """The tabs whose endpoints the app serves, in order, labelled in the reader's language."""
    return [(endpoint, label()) for endpoint, label in TABS if endpoint in current_app.view_functions]


@bp.app_context_processor
def _tabs():
    return {"parent_tabs": parent_tabs}
