"""The enrolment domain: creating an enrolment and a class's head count (creation.py), the lesson ledger
(ledger.py), contracts, payments and renewals (services.py), refunds (refunds.py), transfers (transfers.py) and
renewal reminders (reminders.py). Status changes and attendance call these; row locks are eduflow.locks'."""
from flask import Blueprint

bp = Blueprint("enrollments", __name__)

from eduflow.enrollments import views, views_receipts, views_reminders  # noqa: E402,F401
