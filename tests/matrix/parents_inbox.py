"""The parent's inbox and its settings (通知)."""
from tests.matrix import PARENT_ONLY, Route, fixed

ROWS = [
    Route("parent.inbox", "GET", fixed("/p/inbox"), PARENT_ONLY),
    Route("parent.inbox_settings", "GET", fixed("/p/inbox/settings"), PARENT_ONLY),
    Route("parent.inbox_settings", "POST", fixed("/p/inbox/settings"), PARENT_ONLY, data={"kind": "deducted"}),
]


def build(users, campuses) -> dict:
    return {}
