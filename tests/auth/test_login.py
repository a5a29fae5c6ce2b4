"""Signing in, password changes and the audit of every attempt (sign-out, throttling and strength: beside)."""
from sqlalchemy import func, select

from eduflow.extensions import db
from eduflow.models import AuditLog
from tests.conftest import PASSWORD


def _login(client, username, password=PASSWORD, **headers):
    return client.post("/login", data={"username": username, "password": password}, headers=headers)


def test_login_page_has_username_and_password_fields(client):
    page = client.get("/login").get_data(as_text=True)
    assert 'name="username"' in page and 'name="password"' in page


def test_correct_password_signs_in_and_is_audited(client, users):
    response = _login(client, "sales")
    assert response.status_code == 302 and response.headers["Location"] == "/"
    entry = db.session.scalar(select(AuditLog).where(AuditLog.action == "login_ok"))
    assert entry.actor_id == users["sales"].id


def test_wrong_password_is_refused_with_a_message_and_audited(client, users):
    response = _login(client, "sales", "wrong-password")
    assert response.status_code == 200
    assert "用户名或密码错误" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).where(AuditLog.action == "login_failed")) == 1
    assert client.get("/").status_code == 302


def test_unknown_user_gets_the_same_message(client, users):
    assert "用户名或密码错误" in _login(client, "nobody").get_data(as_text=True)


def test_deactivated_user_cannot_sign_in(client, users):
    users["sales"].is_active = False
    db.session.commit()
    assert "用户名或密码错误" in _login(client, "sales").get_data(as_text=True)


def test_next_parameter_only_redirects_inside_the_site(client, users):
    response = client.post("/login?next=//evil.example.com/", data={"username": "sales", "password": PASSWORD})
    assert response.headers["Location"] == "/"
    client.post("/logout")
    response = client.post("/login?next=/account/password", data={"username": "sales", "password": PASSWORD})
    assert response.headers["Location"] == "/account/password"


def test_change_password_needs_the_current_one(client, login_as):
    login_as("sales")
    response = client.post("/account/password", data={
        "current_password": "not-it", "new_password": "a-new-password", "confirm": "a-new-password"})
    assert response.status_code == 422
    assert "当前密码不正确" in response.get_data(as_text=True)


def test_changed_password_works_and_ends_other_sessions(app, client, login_as):
    login_as("sales")
    other_device = app.test_client()
    _login(other_device, "sales")
    response = client.post("/account/password", data={
        "current_password": PASSWORD, "new_password": "a-new-password", "confirm": "a-new-password"})
    assert response.status_code == 302
    assert client.get("/").status_code == 200, "the device that changed it stays signed in"
    assert other_device.get("/").status_code == 302, "other sessions end"
    client.post("/logout")
    assert _login(client, "sales", "a-new-password").status_code == 302


def test_short_or_mismatched_new_password_is_refused(client, login_as):
    login_as("sales")
    response = client.post("/account/password", data={
        "current_password": PASSWORD, "new_password": "short", "confirm": "short"})
    assert response.status_code == 422
    assert "密码至少需要 8 个字符" in response.get_data(as_text=True)
    response = client.post("/account/password", data={
        "current_password": PASSWORD, "new_password": "long-enough-1", "confirm": "long-enough-2"})
    assert "两次输入的新密码不一致" in response.get_data(as_text=True)


def test_passwords_are_stored_as_argon2id(users):
    assert users["sales"].password_hash.startswith("$argon2id$")


def test_production_hashing_meets_owasp_minimum():
    from eduflow.security.passwords import _production

    assert _production.type.name == "ID"
    assert _production.memory_cost >= 19 * 1024 and _production.time_cost >= 1


def test_changing_the_password_keeps_this_devices_remember_cookie_working(app, client, users):
    client.post("/login", data={"username": "sales", "password": PASSWORD, "remember": "y"})
    old_cookie = client.get_cookie("remember_token").value
    client.post("/account/password", data={
        "current_password": PASSWORD, "new_password": "a-new-password", "confirm": "a-new-password"})
    for value, status in ((client.get_cookie("remember_token").value, 200), (old_cookie, 302)):
        other = app.test_client()
        other.set_cookie("remember_token", value)
        assert other.get("/").status_code == status
