"""Students and parents: the list, the student page, status changes with approval, reviews."""
from flask import Blueprint

bp = Blueprint("students", __name__)

from eduflow.students import views_parent_access, views_reviews, views_status, views_students  # noqa: E402,F401
