"""家长端: the parent side, at /p. Parent accounts sign in here and see only their own children.

`access` keeps parents and staff apart (each refuses the other's pages), `accounts` signs parents in; the
pages live in the views modules beside them.
"""
from flask import Blueprint

bp = Blueprint("parent", __name__)

from eduflow.parents import (  # noqa: E402,F401
    access, navigation, views, views_access, views_inbox, views_leave, views_money, views_reviews, views_timetable,
)
