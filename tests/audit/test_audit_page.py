"""审计日志: the admin page that searches the audit trail, and proof that the trail is complete."""
from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import select

from eduflow.extensions import db
from eduflow.models import AuditLog, Course, StudentStatus
from eduflow.students.services import add_parent, create_student
from tests.conftest import PASSWORD


def rows(page: str) -> list[str]:
    """The entries' HTML, in page order."""
    return re.findall(r'<tr data-testid="audit-row-\d+".*?</tr>\s*(?=<tr data-testid="audit-row|</tbody>)', page,
                      re.S)


def entry(action: str, entity: str = "courses", entity_id: str | None = "1", actor=None,
          at: dt.datetime = dt.datetime(2025, 5, 1, 4, 0), changes: dict | None = None) -> AuditLog:
    log = AuditLog(action=action, entity=entity, entity_id=entity_id, actor_id=actor.id if actor else None,
                   changes=changes, ip="10.0.0.9", created_at=at)
    db.session.add(log)
    db.session.commit()
    return log


@pytest.fixture
def as_admin(login_as):
    return login_as("admin")


def test_every_change_login_and_failed_login_appears_with_old_and_new_values(client, users, campuses):
    student = create_student(by=users["admin"], campus_id=campuses[0].id, status=StudentStatus.POTENTIAL,
                             name="李小明", parent={"name": "李妈妈", "relationship": "母亲", "phone": "13900001111"})
    father = add_parent(student, name="李爸爸", relationship="父亲", phone="13900002222")
    db.session.commit()
    assert client.post("/login", data={"username": "admin", "password": "wrong-password"}).status_code == 200
    client.post("/login", data={"username": "admin", "password": PASSWORD})

    client.post("/admin/courses/new", data={"name": "少儿编程", "total_lessons": "24", "price": "2400.00",
                                            "is_active": "y"})
    course = db.session.scalar(select(Course).where(Course.name == "少儿编程"))
    client.post(f"/admin/courses/{course.id}/edit", data={"name": "少儿编程", "total_lessons": "24",
                                                          "price": "2600.00", "is_active": "y"})
    client.post(f"/students/{student.id}/parents/{father.id}/delete")

    page = client.get("/admin/audit").get_data(as_text=True)
    assert "form-error" not in page and "is-invalid" not in page, "no filter is not a bad filter"
    found = rows(page)
    assert len(found) >= 5
    update, create = (next(r for r in found if f'data-action="{a}" data-entity="courses"' in r)
                      for a in ("update", "create"))
    assert re.search(r"price</th>\s*<td[^>]*>.*2400\.00.*</td>\s*<td[^>]*>→</td>\s*<td[^>]*>.*2600\.00", update, re.S)
    assert "total_lessons" not in update, "an update lists only the fields that changed"
    assert "少儿编程" in create and "Admin" in create and f'href="/admin/courses/{course.id}/edit"' in create
    delete = next(r for r in found if 'data-action="delete" data-entity="parents"' in r)
    assert "李爸爸" in delete and "***" in delete and "13900002222" not in delete
    assert "Admin" in delete and "127.0.0.1" in delete
    login_ok = next(r for r in found if 'data-action="login_ok"' in r)
    login_failed = next(r for r in found if 'data-action="login_failed"' in r)
    assert "登录成功" in login_ok and "登录失败" in login_failed and "系统 / 未登录" in login_failed
    assert found.index(update) < found.index(create) < found.index(login_ok) < found.index(login_failed), \
        "newest first"
    assert "13900001111" not in page and "wrong-password" not in page


def test_filters_narrow_by_actor_name_action_entity_and_id(client, as_admin, users):
    mine = entry("update", "leads", "7", actor=users["sales"], changes={"stage": ["new", "contacted"]})
    other_id = entry("update", "leads", "8", actor=users["sales"])
    other_actor = entry("update", "leads", "7", actor=users["manager"])
    nobody = entry("login_failed", "users", None, changes={"username": "ghost"})

    def shown(**query) -> set[int]:
        page = client.get("/admin/audit", query_string=query).get_data(as_text=True)
        return {int(n) for n in re.findall(r'data-testid="audit-row-(\d+)"', page)}

    assert shown(actor="Sales", action="update", entity="leads", entity_id="7") == {mine.id}
    assert shown(actor="Sales (sales)") == {mine.id, other_id.id}
    assert shown(entity="leads", entity_id="7") == {mine.id, other_actor.id}  # an entry's 历史 link
    assert shown(actor="系统 / 未登录", entity="users", action="login_failed") == {nobody.id}
    assert shown(actor="none", entity="users", action="login_failed") == {nobody.id}  # links made before names
    assert shown(actor="none", entity="leads") == set()


def test_dates_are_the_schools_calendar_days(client, as_admin, users):
    # 2025-05-01 17:30 UTC is already 2 May in Shanghai.
    late = entry("update", at=dt.datetime(2025, 5, 1, 17, 30))
    early = entry("update", at=dt.datetime(2025, 5, 1, 15, 30))

    def shown(**query) -> set[int]:
        page = client.get("/admin/audit", query_string=dict(entity="courses", **query)).get_data(as_text=True)
        return {int(n) for n in re.findall(r'data-testid="audit-row-(\d+)"', page)}

    assert shown(date_from="2025-05-02") == {late.id}
    assert shown(date_to="2025-05-01") == {early.id}
    assert shown(date_from="2025-05-01", date_to="2025-05-02") == {late.id, early.id}
    page = client.get("/admin/audit", query_string={"entity": "courses"}).get_data(as_text=True)
    assert "2025-05-02 01:30:00" in page and "2025-05-01 23:30:00" in page


@pytest.mark.parametrize("query", [
    {"date_from": "yesterday"},
    {"date_to": "2025-02-30"},
    {"date_from": "0001-01-01"},
    {"date_to": "9999-12-31"},
    {"date_from": "2025-05-02", "date_to": "2025-05-01"},
    {"actor": "x"},
    {"actor": "999999"},
    {"action": "drop table"},
    {"entity": "audit_log"},
    {"entity_id": "9" * 65},
    {"page": "x"},
])
def test_bad_filter_input_is_a_form_error_not_a_crash(client, as_admin, users, query):
    entry("update")
    response = client.get("/admin/audit", query_string=query)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'data-testid="audit-row-' in page, "the other filters still apply"
    if set(query) != {"page"}:
        assert 'data-testid="form-error"' in page


def test_htmx_gets_only_the_results_fragment_paginated(client, as_admin, app, users):
    for n in range(app.config["PAGE_SIZE"] + 3):
        entry("update", entity_id=str(n), at=dt.datetime(2025, 5, 1) + dt.timedelta(minutes=n))
    fragment = client.get("/admin/audit", query_string={"entity": "courses"}, headers={"HX-Request": "true"})
    body = fragment.get_data(as_text=True)
    assert "<html" not in body and 'id="audit-results"' in body and "HX-Request" in fragment.headers["Vary"]
    assert body.count('data-testid="audit-row-') == app.config["PAGE_SIZE"]
    assert "page=2" in body and "entity=courses" in body
    second = client.get("/admin/audit", query_string={"entity": "courses", "page": 2}).get_data(as_text=True)
    assert second.count('data-testid="audit-row-') == 3 and "<html" in second


def test_entity_choices_have_readable_labels(client, as_admin):
    page = client.get("/admin/audit").get_data(as_text=True)
    assert '<option value="leads">线索</option>' in page
    assert '<option value="audit_log">' not in page and '<option value="login_attempts">' not in page


@pytest.mark.parametrize("who", ["manager", "sales", "academic", "teacher"])
def test_only_admins_may_read_the_audit_log(client, login_as, who):
    login_as(who)
    assert client.get("/admin/audit").status_code == 403


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get("/admin/audit")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_logged_values_are_escaped_text(client, as_admin):
    entry("update", changes={"notes": ["<b>old</b>", {"x\" onmouseover=\"alert(1)": "<script>"}]})
    page = client.get("/admin/audit").get_data(as_text=True)
    assert "<b>old</b>" not in page and "<script>" not in page and 'onmouseover=\\"' not in page
    assert "&lt;b&gt;old&lt;/b&gt;" in page
