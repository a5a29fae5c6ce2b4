"""QR invitations over HTTP: the staff card and QR page, revocation, and the parent's /p/invite page."""
from __future__ import annotations

import re

from sqlalchemy import select

from eduflow.extensions import db
from eduflow.models import AuditLog, Parent, ParentInvite
from eduflow.students.services import remove_parent
from tests import factories

NEW_PASSWORD = "violet tram harbour 42"
LAST4 = factories.PARENT_PHONE[-4:]


def _invite(client, student, parent, **headers):
    return client.post(f"/students/{student.id}/parents/{parent.id}/invite", headers=headers)


def _link(html: str) -> str:
    return re.search(r'data-testid="invite-link">([^<]+)<', html).group(1).replace("&amp;", "&")


def test_the_student_page_shows_each_parents_access_and_last_sign_in(client, login_as, family):
    login_as("sales")
    page = client.get(f"/students/{family.first.id}").get_data(as_text=True)
    assert 'data-testid="parent-access"' in page and "已开通" in page and "从未登录" in page
    assert f'data-testid="invite-parent-{family.first.parents[0].id}"' in page


def test_a_teacher_sees_the_access_card_without_the_buttons(client, login_as, family, users):
    course = factories.make_course()
    group = factories.make_class(course, family.first.campus, head=users["teacher"])
    db.session.flush()
    factories.enroll(family.first, course, by=users["manager"], group=group)
    db.session.commit()
    login_as("teacher")
    page = client.get(f"/students/{family.first.id}").get_data(as_text=True)
    assert 'data-testid="parent-access"' in page and "invite-parent-" not in page
    assert _invite(client, family.first, family.first.parents[0]).status_code == 403


def test_staff_invite_shows_a_qr_code_link_and_expiry_and_the_link_signs_the_parent_up(client, login_as, family):
    parent = family.first.parents[0]
    login_as("academic")
    response = _invite(client, family.first, parent)
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "<svg" in page and 'class="ef-qr"' in page and "有效期至" in page and 'data-print' in page
    link = _link(page)
    assert "/p/invite/" in link
    fragment = _invite(client, family.first, parent, **{"HX-Request": "true"}).get_data(as_text=True)
    assert "<html" not in fragment and "<svg" in fragment
    client.post("/logout")
    path = link.split("localhost", 1)[-1]
    form = client.get(path)
    text = form.get_data(as_text=True)
    assert form.status_code == 200 and "王*明" in text and "王小明" not in text
    wrong = client.post(path, data={"last4": "0000", "password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert wrong.status_code == 422 and "后四位不正确" in wrong.get_data(as_text=True)
    ok = client.post(path, data={"last4": LAST4, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert ok.status_code == 302 and ok.headers["Location"].endswith("/p/")
    home = client.get("/p/").get_data(as_text=True)
    assert "王小明" in home
    via = db.session.scalar(select(AuditLog).where(AuditLog.action == "parent_login_ok"))
    assert via.changes == {"via": [None, "invite"]}
    again = client.get(path)
    assert again.status_code == 410 and "已经使用过" in again.get_data(as_text=True)


def test_a_bad_or_mangled_link_answers_a_clear_page(client, family):
    response = client.get("/p/invite/not-a-token")
    assert response.status_code == 404 and "邀请链接无效" in response.get_data(as_text=True)
    english = client.get("/p/invite/not-a-token", headers={"Accept-Language": "en"})
    assert english.status_code == 404


def test_mismatched_passwords_and_weak_ones_are_refused_on_the_form(client, login_as, family):
    login_as("manager")
    page = client.get(_invite(client, family.first, family.first.parents[0]).headers["Location"])
    path = _link(page.get_data(as_text=True)).split("localhost", 1)[-1]
    client.post("/logout")
    response = client.post(path, data={"last4": LAST4, "password": NEW_PASSWORD, "confirm": "something else"})
    assert response.status_code == 422 and "不一致" in response.get_data(as_text=True)
    weak = client.post(path, data={"last4": LAST4, "password": "12345678", "confirm": "12345678"})
    assert weak.status_code == 422


def test_staff_revoke_hides_the_child_from_the_parent(client, login_as, family, parent_login):
    parent = family.second.parents[0]
    login_as("manager_b")
    response = client.post(f"/students/{family.second.id}/parents/{parent.id}/revoke", headers={"HX-Request": "true"})
    assert response.status_code == 200 and "已收回" in response.get_data(as_text=True)
    assert "<html" not in response.get_data(as_text=True)
    assert db.session.get(Parent, parent.id).portal_revoked_at is not None
    client.post("/logout")
    parent_login()
    home = client.get("/p/").get_data(as_text=True)
    assert "王小明" in home and "王小红" not in home


def test_a_salesperson_cannot_invite_for_a_colleagues_student_nor_another_campus(client, login_as, family):
    login_as("sales2")
    assert _invite(client, family.first, family.first.parents[0]).status_code == 404
    client.post("/logout")
    login_as("manager")
    assert _invite(client, family.second, family.second.parents[0]).status_code == 404
    assert client.post(f"/students/{family.first.id}/parents/{family.other.parents[0].id}/invite").status_code == 404


def test_a_parent_with_invites_can_still_be_removed(family, users, app):
    extra = factories.make_parent(family.first, name="王爸爸", phone="13600001111")
    extra.is_primary = False
    db.session.commit()
    from eduflow.parents.invites import create_invite

    with app.test_request_context("/"):
        create_invite(extra, users["sales"])
        db.session.commit()
        remove_parent(extra)
        db.session.commit()
    assert db.session.scalar(select(ParentInvite)) is None
