"""家长端 sign-in: by phone and password, throttled, audited, apart from the staff side both ways."""
from __future__ import annotations

from sqlalchemy import select

from eduflow.extensions import db
from eduflow.models import AuditLog, ParentAccount, utcnow
from tests import factories


def test_a_parent_signs_in_by_phone_and_sees_both_children_at_two_campuses(client, family, parent_login):
    parent_login("139 1234 5678")  # typed with spaces, as people do
    page = client.get("/p/").get_data(as_text=True)
    assert "王小明" in page and "王小红" in page
    assert "李小华" not in page
    account = db.session.get(ParentAccount, family.account.id)
    assert account.last_login_at is not None
    entry = db.session.scalar(select(AuditLog).where(AuditLog.action == "parent_login_ok"))
    assert entry.parent_account_id == account.id and entry.actor_id is None


def test_a_wrong_password_is_refused_without_saying_which_part_was_wrong(client, family, parent_login):
    response = parent_login(password="wrong-password-here", expect=200)
    assert "手机号或密码错误" in response.get_data(as_text=True)
    assert client.get("/p/").status_code == 302
    unknown = parent_login(phone="13700001111", expect=200)
    assert "手机号或密码错误" in unknown.get_data(as_text=True)


def test_repeated_failures_are_throttled_and_the_log_never_holds_the_number(app, client, family, parent_login):
    for _ in range(app.config["LOGIN_FREE_FAILURES"]):
        client.post("/p/login", data={"phone": factories.PARENT_PHONE, "password": "nope-nope-nope"})
    response = None
    for _ in range(10):
        response = client.post("/p/login", data={"phone": factories.PARENT_PHONE, "password": factories.PASSWORD})
        if response.status_code == 429:
            break
    assert response.status_code == 429 and "Retry-After" in response.headers
    from eduflow.models import LoginAttempt
    names = set(db.session.scalars(select(LoginAttempt.username)))
    assert names and all(factories.PARENT_PHONE not in name and "5678" not in name for name in names)


def test_a_parent_whose_every_link_was_revoked_cannot_sign_in(client, family, parent_login):
    for student in (family.first, family.second):
        for parent in student.parents:
            parent.portal_revoked_at = utcnow()
    db.session.commit()
    parent_login(expect=200)


def test_revoking_one_child_hides_that_child_only(client, family, parent_login):
    family.second.parents[0].portal_revoked_at = utcnow()
    db.session.commit()
    parent_login()
    page = client.get("/p/").get_data(as_text=True)
    assert "王小明" in page and "王小红" not in page


def test_a_parent_is_refused_every_staff_page_and_sent_home_from_the_staff_start_page(client, family, parent_login):
    parent_login()
    assert client.get("/students").status_code == 403
    assert client.get(f"/students/{family.first.id}").status_code == 403
    assert client.get("/leads/board").status_code == 403
    assert client.post("/logout").status_code == 403
    for landing in ("/", "/login"):
        response = client.get(landing)
        assert response.status_code == 302 and response.headers["Location"].endswith("/p/")


def test_staff_are_refused_the_parent_pages(client, family, login_as):
    login_as("manager")
    assert client.get("/p/").status_code == 403


def test_signing_out_ends_the_parents_sessions_everywhere(app, client, family, parent_login):
    parent_login(remember=True)
    cookie = client.get_cookie("remember_token")
    assert cookie is not None and cookie.expires is not None
    other_device = app.test_client()
    with client.session_transaction() as mine, other_device.session_transaction() as theirs:
        theirs.update(dict(mine))
    assert other_device.get("/p/").status_code == 200
    client.post("/p/logout")
    assert other_device.get("/p/").status_code == 302
    assert client.get("/p/").status_code == 302


def test_the_next_page_after_sign_in_stays_on_the_parent_side(client, family):
    response = client.post("/p/login?next=//evil.example/p/", data={"phone": factories.PARENT_PHONE,
                                                                   "password": factories.PASSWORD})
    assert response.headers["Location"].endswith("/p/")
    client.post("/p/logout")
    response = client.post("/p/login?next=/admin/users", data={"phone": factories.PARENT_PHONE,
                                                              "password": factories.PASSWORD})
    assert response.headers["Location"].endswith("/p/")


def test_the_audit_page_names_the_parent_who_acted(client, family, parent_login, login_as):
    parent_login()
    client.post("/p/logout")
    login_as("admin")
    page = client.get("/admin/audit").get_data(as_text=True)
    assert "家长 139****5678" in page
