"""Sign-in, sign-out, own password and language."""
from flask import Blueprint

bp = Blueprint("auth", __name__)


@bp.record_once
def _system_text_filter(state) -> None:
    """The `system_text` template filter (stored system sentences in the reader's language), registered with the
    language switch this blueprint serves."""
    from eduflow import system_texts

    system_texts.init_app(state.app)


from eduflow.auth import views  # noqa: E402,F401
from eduflow.auth.services import load_user  # noqa: E402,F401
