"""Classes, lessons (one by one or from a weekly pattern) and the week timetables."""
from flask import Blueprint

bp = Blueprint("schedule", __name__)

from eduflow.schedule import views_classes, views_timetable  # noqa: E402,F401
