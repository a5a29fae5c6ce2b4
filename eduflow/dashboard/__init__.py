"""工作台: each user's start page, and the health check."""
from flask import Blueprint

bp = Blueprint("dashboard", __name__)

from eduflow.dashboard import views  # noqa: E402,F401
