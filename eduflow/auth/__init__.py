"""Sign-in, sign-out, own password and language."""
from flask import Blueprint

bp = Blueprint("auth", __name__)


from eduflow.auth import views  # noqa: E402,F401
from eduflow.auth.services import load_user  # noqa: E402,F401
