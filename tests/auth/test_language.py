"""The language picked on the login page survives signing in and is kept on the account."""
from eduflow.extensions import db
from tests.conftest import PASSWORD


def _sign_in(client, username):
    return client.post("/login", data={"username": username, "password": PASSWORD})


def test_english_picked_on_the_login_page_survives_signing_in(client, users):
    client.post("/language", data={"locale": "en"})
    assert "Sign in" in client.get("/login").get_data(as_text=True)
    assert _sign_in(client, "sales").status_code == 302
    page = client.get("/").get_data(as_text=True)
    assert 'lang="en"' in page and "工作台" not in page
    db.session.refresh(users["sales"])
    assert users["sales"].locale == "en"


def test_the_account_remembers_its_language_on_another_device(app, client, users):
    client.post("/language", data={"locale": "en"})
    _sign_in(client, "sales")
    other = app.test_client()  # a fresh browser: nothing picked on its login page
    assert _sign_in(other, "sales").status_code == 302
    assert 'lang="en"' in other.get("/").get_data(as_text=True)


def test_without_a_pick_the_login_keeps_the_accounts_language(client, users):
    users["sales"].locale = "en"
    db.session.commit()
    _sign_in(client, "sales")
    assert 'lang="en"' in client.get("/").get_data(as_text=True)


def test_a_language_left_by_the_previous_user_does_not_overwrite_the_next_users(client, users):
    users["sales"].locale = "en"
    db.session.commit()
    _sign_in(client, "sales")
    client.post("/logout")
    assert "Sign in" in client.get("/login").get_data(as_text=True)  # the login page after logout stays English
    _sign_in(client, "manager")
    db.session.refresh(users["manager"])
    assert users["manager"].locale is None
    assert 'lang="zh' in client.get("/").get_data(as_text=True)


def test_switching_while_signed_in_is_saved_on_the_account(client, login_as, users):
    login_as("sales")
    client.post("/language", data={"locale": "en"})
    db.session.refresh(users["sales"])
    assert users["sales"].locale == "en"
