"""Reports for managers and admins (sales see their own figures): funnel, six-speed, activity, money, attendance."""
from flask import Blueprint

bp = Blueprint("reports", __name__)

from eduflow.reports import views  # noqa: E402,F401
