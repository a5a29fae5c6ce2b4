"""The attendance sheet, makeups and a teacher's today page."""
from flask import Blueprint

bp = Blueprint("attendance", __name__)

from eduflow.attendance import views  # noqa: E402,F401
