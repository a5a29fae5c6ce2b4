"""Configuration from the environment, with secrets generated once into instance/ when absent."""
from __future__ import annotations

import base64
import json
import os
import secrets
from pathlib import Path

from sqlalchemy.engine import make_url

from eduflow.security.crypto import key_id_for

KEYS_FILE = "eduflow-keys.json"


class Config:
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_DURATION = 14 * 24 * 3600
    PERMANENT_SESSION_LIFETIME = 12 * 3600
    WTF_CSRF_TIME_LIMIT = None  # tied to the session instead: a tablet left open all day still works
    BABEL_DEFAULT_LOCALE = "zh_CN"
    BABEL_DEFAULT_TIMEZONE = "Asia/Shanghai"
    LANGUAGES = {"zh_CN": "简体中文", "en": "English"}
    # Sign-in throttling. Per (account, address): after this many failures in a row, each further attempt
    # waits, 1 minute at first and doubling up to the cap; failures older than the memory are forgotten.
    LOGIN_FREE_FAILURES = 5
    LOGIN_FIRST_DELAY_SECONDS = 60
    LOGIN_MAX_DELAY_SECONDS = 3600
    LOGIN_FAILURE_MEMORY_HOURS = 24
    # Per address, whatever the accounts: at most this many failures in the window (password spraying).
    LOGIN_MAX_FAILURES_PER_IP = 20
    LOGIN_IP_WINDOW_MINUTES = 15
    PAGE_SIZE = 25
    MAX_CONTENT_LENGTH = 20 * 1024 * 1024  # uploads (imports); a larger request answers 413
    FAST_PASSWORD_HASHING = False


def _env_flag(name: str) -> bool | None:
    value = os.environ.get(name)
    return None if value is None else value.lower() in {"1", "true", "yes", "on"}


def load_environment(app) -> None:
    """Read EDUFLOW_* variables into app.config (after the defaults, before a test override)."""
    instance = Path(app.instance_path)
    instance.mkdir(mode=0o700, parents=True, exist_ok=True)  # it holds the keys and the SQLite database
    app.config.setdefault(
        "SQLALCHEMY_DATABASE_URI",
        os.environ.get("EDUFLOW_DATABASE_URL") or f"sqlite:///{instance / 'eduflow.db'}",
    )
    create_private_sqlite_file(app.config["SQLALCHEMY_DATABASE_URI"], instance)
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        # A writer waits up to 30 s for another's write to finish (pysqlite's default is 5 s): on a busy machine a
        # burst of saves queues up instead of answering "database is locked".
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {**Config.SQLALCHEMY_ENGINE_OPTIONS, "connect_args": {"timeout": 30}}
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("mysql"):
        # PostgreSQL's default: each statement sees what others committed; fewer gap-lock deadlocks.
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {**Config.SQLALCHEMY_ENGINE_OPTIONS,
                                                   "isolation_level": "READ COMMITTED"}
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql") \
            and _env_flag("EDUFLOW_PG_PREPARED_STATEMENTS") is False:
        # behind PgBouncer in transaction mode (before 1.21) a prepared statement may meet another connection
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {**Config.SQLALCHEMY_ENGINE_OPTIONS,
                                                   "connect_args": {"prepare_threshold": None}}
    secure = _env_flag("EDUFLOW_SECURE_COOKIES")
    if secure is not None:
        app.config["SESSION_COOKIE_SECURE"] = app.config["REMEMBER_COOKIE_SECURE"] = secure
    if os.environ.get("EDUFLOW_TIMEZONE"):
        app.config["BABEL_DEFAULT_TIMEZONE"] = os.environ["EDUFLOW_TIMEZONE"]
    _load_smtp(app)
    if _env_flag("EDUFLOW_PROXY_FIX"):
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1)


SMTP_SETTINGS = ("EDUFLOW_SMTP_HOST", "EDUFLOW_SMTP_PORT", "EDUFLOW_SMTP_USERNAME", "EDUFLOW_SMTP_PASSWORD",
                 "EDUFLOW_SMTP_SENDER")


def _load_smtp(app) -> None:
    """Outgoing mail (eduflow/mail.py): the SMTP server, its login and the sender; STARTTLS unless turned off."""
    for name in SMTP_SETTINGS:
        if os.environ.get(name):
            app.config[name] = int(os.environ[name]) if name == "EDUFLOW_SMTP_PORT" else os.environ[name]
    starttls = _env_flag("EDUFLOW_SMTP_STARTTLS")
    if starttls is not None:
        app.config["EDUFLOW_SMTP_STARTTLS"] = starttls


def create_private_sqlite_file(uri: str, instance: Path) -> None:
    """Create a SQLite database file (and its folder) readable by the owner only, before SQLite does.

    SQLite would create it world-readable (0644 under the usual umask); its journal and WAL files take
    the database file's mode. An existing file or folder is left as it is.
    """
    url = make_url(uri)
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:") \
            or url.database.startswith("file:") or url.query.get("mode") == "memory":
        return
    path = Path(url.database)
    if not path.is_absolute():  # Flask-SQLAlchemy reads a relative SQLite path inside the instance folder
        path = instance / path
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:
        pass


def load_keys(app) -> None:
    """Secret key, data-encryption keys and blind-index key: app config, else environment, else instance/."""
    config, env = app.config, os.environ
    stored: dict = {}

    def setting(env_name: str, stored_name: str) -> str:
        if env.get(env_name):
            return env[env_name]
        if not stored:
            stored.update(_stored_keys(Path(app.instance_path) / KEYS_FILE))
        return stored[stored_name]

    if not config.get("SECRET_KEY"):
        config["SECRET_KEY"] = setting("EDUFLOW_SECRET_KEY", "secret_key")
    if not config.get("EDUFLOW_DATA_KEYS"):
        keys = [base64.b64decode(k) for k in setting("EDUFLOW_DATA_KEYS", "data_keys").split(",") if k.strip()]
        if not keys or any(len(k) != 32 for k in keys):
            raise RuntimeError("EDUFLOW_DATA_KEYS must be base64 of 32-byte keys, newest first, comma-separated")
        config["EDUFLOW_DATA_KEYS"] = {key_id_for(k): k for k in keys}
        config["EDUFLOW_ACTIVE_DATA_KEY_ID"] = key_id_for(keys[0])
    if not config.get("EDUFLOW_INDEX_KEY"):
        config["EDUFLOW_INDEX_KEY"] = base64.b64decode(setting("EDUFLOW_INDEX_KEY", "index_key"))


def _stored_keys(path: Path) -> dict:
    if path.exists():
        return json.loads(path.read_text())
    keys = {
        "secret_key": secrets.token_urlsafe(48),
        "data_keys": base64.b64encode(secrets.token_bytes(32)).decode(),
        "index_key": base64.b64encode(secrets.token_bytes(32)).decode(),
    }
    # Created with 0600 so only the service account can read the keys.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        json.dump(keys, handle)
    return keys
