"""Signing out: the remember cookie goes, and cookies copied before 退出登录 are refused afterwards."""
from sqlalchemy import select

from eduflow.extensions import db
from eduflow.models import AuditLog
from tests.conftest import PASSWORD

REMEMBER = "remember_token"


def _sign_in(client, username="sales", remember=True):
    data = {"username": username, "password": PASSWORD} | ({"remember": "y"} if remember else {})
    response = client.post("/login", data=data)
    assert response.status_code == 302
    return response


def _with_cookies(app, **cookies):
    """A fresh browser that holds only the given cookies (as someone who copied them would)."""
    other = app.test_client()
    for name, value in cookies.items():
        other.set_cookie(name, value)
    return other


def test_logout_requires_post_and_ends_the_session(client, login_as):
    login_as("sales")
    assert client.get("/logout").status_code == 405
    assert client.post("/logout").status_code == 302
    assert client.get("/").status_code == 302


def test_logout_deletes_the_remember_cookie_in_its_response(client, users):
    _sign_in(client)
    assert client.get_cookie(REMEMBER) is not None
    response = client.post("/logout")
    deleted = [c for c in response.headers.getlist("Set-Cookie") if c.startswith(f"{REMEMBER}=;")]
    assert deleted and "Expires=Thu, 01 Jan 1970" in deleted[0]
    assert client.get_cookie(REMEMBER) is None
    assert client.get("/").status_code == 302


def test_remember_cookie_alone_signs_in_until_logout(app, client, users):
    _sign_in(client)
    remember = client.get_cookie(REMEMBER).value
    assert _with_cookies(app, remember_token=remember).get("/").status_code == 200, "记住我 works"
    client.post("/logout")
    response = _with_cookies(app, remember_token=remember).get("/")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")


def test_session_cookie_copied_before_logout_is_refused_after(app, client, users):
    _sign_in(client, remember=False)
    copied = client.get_cookie("session").value
    assert _with_cookies(app, session=copied).get("/").status_code == 200
    client.post("/logout")
    response = _with_cookies(app, session=copied).get("/")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")


def test_both_cookies_replayed_together_after_logout_reach_only_the_login_page(app, client, users):
    _sign_in(client)
    copied = {"session": client.get_cookie("session").value, REMEMBER: client.get_cookie(REMEMBER).value}
    client.post("/logout")
    replay = _with_cookies(app, **copied)
    response = replay.get("/")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    assert replay.get("/login").status_code == 200
    assert 'name="password"' in replay.get("/login").get_data(as_text=True)


def test_logout_signs_the_user_out_on_every_device(app, client, users):
    _sign_in(client)
    phone = app.test_client()
    _sign_in(phone)
    client.post("/logout")
    assert phone.get("/").status_code == 302, "退出登录 ends every session of the account"
    colleague = app.test_client()
    _sign_in(colleague, "sales2")
    assert colleague.get("/").status_code == 200, "other accounts are untouched"


def test_signing_in_again_after_logout_works(client, users):
    _sign_in(client)
    client.post("/logout")
    _sign_in(client)
    assert client.get("/").status_code == 200


def test_logout_is_audited(client, users):
    _sign_in(client)
    client.post("/logout")
    entry = db.session.scalar(select(AuditLog).where(AuditLog.action == "logout"))
    assert entry.actor_id == users["sales"].id and entry.entity_id == str(users["sales"].id)
