"""The start page and the health check."""
from __future__ import annotations

from flask import jsonify, render_template
from flask_babel import get_timezone
from flask_login import login_required
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from eduflow.dashboard import bp
from eduflow.dashboard.services import dashboard_summary, school_day
from eduflow.extensions import db
from eduflow.models import utcnow
from eduflow.web import me


@bp.route("/")
@login_required
def index():
    """工作台: what needs doing today for the signed-in user."""
    day = school_day(utcnow(), get_timezone())
    return render_template("dashboard/index.html", summary=dashboard_summary(me(), day), today=day.date)


@bp.route("/healthz")
def healthz():
    """Liveness and database round-trip, for load balancers and monitors."""
    try:
        db.session.execute(text("SELECT 1")).scalar_one()
        database = "ok"
    except SQLAlchemyError:
        db.session.rollback()
        database = "unavailable"
    status = 200 if database == "ok" else 503
    return jsonify(status="ok" if status == 200 else "degraded", database=database), status
