"""Streaming .xlsx and .csv exports of the filtered lists, for managers and admins, audit-logged."""
from flask import Blueprint

bp = Blueprint("exports", __name__)

from eduflow.exports import views  # noqa: E402,F401
