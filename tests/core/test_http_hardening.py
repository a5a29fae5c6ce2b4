"""Cookies, CSRF, security headers, htmx session expiry, error pages and language switching."""
import pytest

from eduflow import create_app
from eduflow.extensions import db
from tests.conftest import PASSWORD, make_test_config


def test_security_headers_forbid_inline_script(client):
    response = client.get("/login")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"


def test_pages_have_no_inline_script_or_cdn(client, login_as):
    login_as("admin")
    for url in ("/login", "/", "/account/password"):
        page = client.get(url).get_data(as_text=True)
        assert "<script>" not in page and "onclick" not in page and 'style="' not in page
        assert "cdn" not in page.lower() and "https://" not in page


def test_session_cookie_is_httponly_and_lax(client, users):
    response = client.post("/login", data={"username": "sales", "password": PASSWORD, "remember": "y"})
    cookies = response.headers.getlist("Set-Cookie")
    session_cookie = next(c for c in cookies if c.startswith("session="))
    remember_cookie = next(c for c in cookies if c.startswith("remember_token="))
    for cookie in (session_cookie, remember_cookie):
        assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_secure_cookies_when_configured(monkeypatch, database_url, tmp_path):
    monkeypatch.setenv("EDUFLOW_SECURE_COOKIES", "1")
    monkeypatch.setenv("EDUFLOW_INSTANCE_PATH", str(tmp_path))
    secure_app = create_app(make_test_config(database_url, None))
    assert secure_app.config["SESSION_COOKIE_SECURE"] and secure_app.config["REMEMBER_COOKIE_SECURE"]


@pytest.fixture
def csrf_client(database_url, tmp_path, monkeypatch):
    monkeypatch.setenv("EDUFLOW_INSTANCE_PATH", str(tmp_path))
    config = make_test_config(database_url, None) | {"WTF_CSRF_ENABLED": True}
    strict = create_app(config)
    with strict.app_context():
        yield strict.test_client()
        db.session.remove()
        db.engine.dispose()  # its own pool: close it, or psycopg warns when the connections are collected


def test_post_without_csrf_token_is_refused(csrf_client, users):
    response = csrf_client.post("/login", data={"username": "sales", "password": PASSWORD})
    assert response.status_code == 400
    assert "页面已过期" in response.get_data(as_text=True)


def test_htmx_post_with_csrf_header_is_accepted(csrf_client, users):
    import re

    page = csrf_client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)
    response = csrf_client.post("/login", data={"username": "sales", "password": PASSWORD},
                                headers={"X-CSRFToken": token, "HX-Request": "true"})
    assert response.status_code == 302


def test_htmx_request_from_expired_session_gets_hx_redirect(client, users):
    response = client.get("/", headers={"HX-Request": "true"})
    assert response.headers["HX-Redirect"] == "/login"
    assert "<form" not in response.get_data(as_text=True)


def test_plain_request_from_anonymous_user_redirects_to_login(client):
    response = client.get("/")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")


def test_not_found_is_a_page_for_browsers_and_a_fragment_for_htmx(client, login_as):
    login_as("sales")
    page = client.get("/no-such-page")
    assert page.status_code == 404 and "<html" in page.get_data(as_text=True)
    fragment = client.get("/no-such-page", headers={"HX-Request": "true"})
    assert fragment.status_code == 404
    body = fragment.get_data(as_text=True)
    assert "<html" not in body and 'data-status="404"' in body


def test_server_error_answers_500_fragment_and_rolls_back(app, client, login_as, users, monkeypatch):
    login_as("sales")

    def boom():
        users_sales = db.session.get(type(users["sales"]), users["sales"].id)
        users_sales.display_name = "half-written"
        db.session.flush()
        raise RuntimeError("boom")

    monkeypatch.setitem(app.view_functions, "dashboard.index", boom)
    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)
    response = client.get("/", headers={"HX-Request": "true"})
    assert response.status_code == 500
    assert "<html" not in response.get_data(as_text=True)
    assert users["sales"].display_name != "half-written"


def test_language_switch_to_english_is_remembered_on_the_account(client, login_as, users):
    login_as("sales")
    assert "工作台" in client.get("/").get_data(as_text=True)
    client.post("/language", data={"locale": "en"})
    assert users["sales"].locale == "en"
    assert "Dashboard" in client.get("/").get_data(as_text=True)


def test_unknown_language_is_ignored(client, login_as):
    login_as("sales")
    client.post("/language", data={"locale": "xx"})
    assert "工作台" in client.get("/").get_data(as_text=True)


def test_pages_and_fragments_for_a_signed_in_user_are_never_stored(client, login_as):
    login_as("manager")
    page = client.get("/students")
    fragment = client.get("/students?q=zxm", headers={"HX-Request": "true"})
    assert fragment.status_code == 200 and "<html" not in fragment.get_data(as_text=True)
    for response in (page, fragment, client.get("/"), client.get("/account/password"), client.get("/no-such-page")):
        assert response.headers["Cache-Control"] == "no-store"


def _static_caching(client) -> str:
    with client.get("/static/js/app.js") as response:
        assert response.status_code == 200
        return response.headers.get("Cache-Control", "")


def test_the_login_page_is_never_stored_but_static_files_keep_their_caching(client):
    assert client.get("/login").headers["Cache-Control"] == "no-store"
    assert "no-store" not in _static_caching(client)


def test_static_files_keep_their_caching_for_a_signed_in_user_too(client, login_as):
    login_as("sales")
    assert "no-store" not in _static_caching(client)


def test_the_sqlite_database_and_its_folder_are_readable_by_the_owner_only(monkeypatch, tmp_path):
    import stat

    from flask_migrate import upgrade

    instance = tmp_path / "instance"
    monkeypatch.setenv("EDUFLOW_INSTANCE_PATH", str(instance))
    monkeypatch.delenv("EDUFLOW_DATABASE_URL", raising=False)
    config = {k: v for k, v in make_test_config("", None).items() if k != "SQLALCHEMY_DATABASE_URI"}
    fresh = create_app(config)
    with fresh.app_context():
        upgrade()  # what `flask db upgrade` (and so `make run`) does on a new install
        db.session.remove()
        db.engine.dispose()
    database = instance / "eduflow.db"
    assert database.stat().st_size > 0, "the migrations ran in the file created beforehand"
    assert stat.S_IMODE(instance.stat().st_mode) == 0o700
    assert stat.S_IMODE(database.stat().st_mode) == 0o600


def test_a_sqlite_file_named_in_the_environment_is_created_owner_only(monkeypatch, tmp_path):
    import stat

    from eduflow.config import create_private_sqlite_file

    create_private_sqlite_file(f"sqlite:///{tmp_path / 'data' / 'school.db'}", tmp_path)
    create_private_sqlite_file("sqlite:///relative.db", tmp_path)
    create_private_sqlite_file("sqlite://", tmp_path)  # in memory: nothing to create
    assert stat.S_IMODE((tmp_path / "data").stat().st_mode) == 0o700
    assert stat.S_IMODE((tmp_path / "data" / "school.db").stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "relative.db").stat().st_mode) == 0o600
