"""Administration in the browser: users, campuses, courses, tags, source channels, settings, the audit log."""
from flask import Blueprint

bp = Blueprint("admin", __name__)

from eduflow.admin import (  # noqa: E402,F401
    views, views_audit, views_notification_templates, views_notifications, views_reference,
)
