"""Administration in the browser: users, campuses, courses, tags, source channels, settings."""
from flask import Blueprint

bp = Blueprint("admin", __name__)

from eduflow.admin import views  # noqa: E402,F401
