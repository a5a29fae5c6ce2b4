"""Importing leads and students from .xlsx and .csv: map, preview, commit in the background, roll back."""
from flask import Blueprint

bp = Blueprint("imports", __name__)

from eduflow.imports import views  # noqa: E402,F401
