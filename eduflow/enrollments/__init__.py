"""Enrolments, contracts, payments, renewals and renewal reminders."""
from flask import Blueprint

bp = Blueprint("enrollments", __name__)

from eduflow.enrollments import views, views_reminders  # noqa: E402,F401
