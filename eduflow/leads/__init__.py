"""The sales side in the browser: lead records, the board, the lead page, the pool, conversion."""
from flask import Blueprint

bp = Blueprint("leads", __name__)

from eduflow.leads import views_board, views_conversion, views_detail, views_pool, views_records  # noqa: E402,F401
