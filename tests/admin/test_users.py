"""Users: list, create, edit, password reset, deactivation with inheritance, reactivation."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from eduflow.extensions import db
from eduflow.models import Lead, LeadInheritance, Role, Student, User
from tests import factories

NEW_PASSWORD = "a-brand-new-secret"


def user_form(campus, **overrides) -> dict:
    data = {"display_name": "王老师", "role": "teacher", "campus_id": str(campus.id), "position": "钢琴老师",
            "phone": "13812345678", "email": "wang@example.com", "hire_date": "2024-09-01"}
    data.update(overrides)
    return data


def count(model) -> int:
    return db.session.scalar(select(func.count(model.id)))


def sign_in(client, username: str, password: str):
    return client.post("/login", data={"username": username, "password": password})


def test_user_list_shows_every_account_with_masked_phones(client, as_admin, users):
    users["sales"].phone = "13912345678"
    db.session.commit()
    page = client.get("/admin/users").get_data(as_text=True)
    assert "139****5678" in page
    assert "13912345678" not in page
    assert all(user.username in page for user in users.values())


def test_user_list_filters_by_role_campus_status_and_search(client, as_admin, users, campuses):
    users["sales2"].is_active = False
    db.session.commit()
    page = client.get("/admin/users", query_string={"role": "sales", "campus": campuses[0].id,
                                                    "status": "active"}).get_data(as_text=True)
    assert f'user-row-{users["sales"].id}"' in page
    assert f'user-row-{users["sales2"].id}"' not in page
    assert f'user-row-{users["sales_b"].id}"' not in page
    found = client.get("/admin/users", query_string={"q": "TEACHER_"}).get_data(as_text=True)
    assert f'user-row-{users["teacher_b"].id}"' in found and f'user-row-{users["teacher"].id}"' not in found


def test_a_bad_filter_value_is_ignored_not_an_error(client, as_admin, users):
    response = client.get("/admin/users", query_string={"role": "boss", "campus": "x", "page": "999"})
    assert response.status_code == 200


def test_admin_creates_a_user_who_can_then_sign_in(client, as_admin, campuses):
    data = user_form(campuses[0], username="wang", password="piano-keys-88", confirm="piano-keys-88")
    response = client.post("/admin/users/new", data=data)
    assert response.status_code == 302
    user = db.session.scalar(select(User).where(User.username == "wang"))
    assert (user.role, user.campus_id, user.phone, user.email) == (Role.TEACHER, campuses[0].id, "13812345678",
                                                                    "wang@example.com")
    client.post("/logout")
    assert sign_in(client, "wang", "piano-keys-88").status_code == 302


def test_a_taken_username_is_refused_whatever_its_case(client, as_admin, users, campuses):
    before = count(User)
    response = client.post("/admin/users/new", data=user_form(campuses[0], username="SALES", password=NEW_PASSWORD,
                                                              confirm=NEW_PASSWORD))
    assert response.status_code == 422
    assert "已被使用" in response.get_data(as_text=True)
    assert count(User) == before


@pytest.mark.parametrize("field, value, message", [
    ("phone", "12345", "电话号码格式不正确"),
    ("campus_id", "", "该角色必须属于一个校区"),
    ("email", "not-an-email", "邮箱格式不正确"),
    ("role", "boss", None),
])
def test_invalid_user_details_are_refused(client, as_admin, campuses, field, value, message):
    data = user_form(campuses[0], username="wang", password=NEW_PASSWORD, confirm=NEW_PASSWORD, **{field: value})
    response = client.post("/admin/users/new", data=data)
    assert response.status_code == 422
    assert message is None or message in response.get_data(as_text=True)
    assert db.session.scalar(select(User).where(User.username == "wang")) is None


def test_admin_edits_a_profile(client, as_admin, users, campuses):
    teacher = users["teacher"]
    response = client.post(f"/admin/users/{teacher.id}/edit",
                           data=user_form(campuses[1], display_name="李老师", phone="139 1234 5678"))
    assert response.status_code == 302
    db.session.refresh(teacher)
    assert (teacher.display_name, teacher.campus_id, teacher.phone) == ("李老师", campuses[1].id, "13912345678")
    assert teacher.phone_last4 == "5678"


def test_moving_a_salesperson_who_owns_leads_needs_an_inheritance_first(client, as_admin, users, campuses):
    sales = users["sales"]
    factories.make_lead(campuses[0], name="小明", owner=sales)
    db.session.commit()
    response = client.post(f"/admin/users/{sales.id}/edit", data=user_form(campuses[1], role="sales"))
    assert response.status_code == 422
    assert "离职继承" in response.get_data(as_text=True)
    db.session.refresh(sales)
    assert sales.campus_id == campuses[0].id


def test_admin_cannot_change_their_own_role(client, as_admin, campuses):
    response = client.post(f"/admin/users/{as_admin.id}/edit", data=user_form(campuses[0], role="manager"))
    assert response.status_code == 422
    db.session.refresh(as_admin)
    assert as_admin.role == Role.ADMIN


def test_editing_an_unknown_user_is_404(client, as_admin):
    assert client.get("/admin/users/99999/edit").status_code == 404


def test_password_reset_lets_the_user_sign_in_with_the_new_password(client, as_admin, users):
    sales = users["sales"]
    response = client.post(f"/admin/users/{sales.id}/password", data={"password": NEW_PASSWORD,
                                                                       "confirm": NEW_PASSWORD})
    assert response.status_code == 302
    client.post("/logout")
    assert sign_in(client, "sales", "correct-horse-battery").status_code != 302
    assert sign_in(client, "sales", NEW_PASSWORD).status_code == 302


def test_a_too_short_or_mismatched_password_is_refused(client, as_admin, users):
    url = f"/admin/users/{users['sales'].id}/password"
    assert client.post(url, data={"password": "short", "confirm": "short"}).status_code == 422
    assert client.post(url, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD + "x"}).status_code == 422


@pytest.fixture
def sales_with_records(users, campuses):
    """The first salesperson owning two leads and one student."""
    sales = users["sales"]
    for name in ("小明", "小红"):
        factories.make_lead(campuses[0], name=name, owner=sales)
    factories.make_student(campuses[0], name="小刚", owner=sales)
    db.session.commit()
    return sales


def test_deactivate_page_shows_what_the_user_owns(client, as_admin, sales_with_records):
    page = client.get(f"/admin/users/{sales_with_records.id}/deactivate").get_data(as_text=True)
    assert 'data-testid="owned-leads">2<' in page
    assert 'data-testid="owned-students">1<' in page
    assert "Sales2" in page  # an heir to choose


def test_deactivating_a_salesperson_who_owns_leads_needs_an_heir(client, as_admin, sales_with_records):
    response = client.post(f"/admin/users/{sales_with_records.id}/deactivate", data={"leave_date": "2025-01-31"})
    assert response.status_code == 422
    assert "必须选择继承人" in response.get_data(as_text=True)
    db.session.refresh(sales_with_records)
    assert sales_with_records.is_active
    assert count(LeadInheritance) == 0


def test_an_heir_from_another_campus_is_refused(client, as_admin, users, sales_with_records):
    response = client.post(f"/admin/users/{sales_with_records.id}/deactivate",
                           data={"heir_id": users["sales_b"].id, "leave_date": "2025-01-31"})
    assert response.status_code == 422
    assert db.session.scalar(select(func.count(Lead.id)).where(Lead.owner_id == users["sales_b"].id)) == 0


def test_deactivating_with_an_heir_moves_the_records_and_ends_sign_in(client, as_admin, users, sales_with_records):
    heir = users["sales2"]
    response = client.post(f"/admin/users/{sales_with_records.id}/deactivate",
                           data={"heir_id": heir.id, "leave_date": "2025-01-31", "notes": "离职"})
    assert response.status_code == 302
    flashed = client.get("/admin/users").get_data(as_text=True)
    assert "2 条线索和 1 名学员已转给 Sales2" in flashed
    assert set(db.session.scalars(select(Lead.owner_id))) == {heir.id}
    assert db.session.scalar(select(Student.owner_id)) == heir.id
    record = db.session.scalar(select(LeadInheritance))
    assert (record.from_user_id, record.to_user_id, record.leads_moved, record.students_moved,
            record.operator_id) == (sales_with_records.id, heir.id, 2, 1, as_admin.id)
    db.session.refresh(sales_with_records)
    assert not sales_with_records.is_active and str(sales_with_records.leave_date) == "2025-01-31"
    client.post("/logout")
    assert sign_in(client, "sales", "correct-horse-battery").status_code != 302


def test_a_user_without_records_is_deactivated_without_an_heir(client, as_admin, users):
    teacher = users["teacher"]
    response = client.post(f"/admin/users/{teacher.id}/deactivate", data={"leave_date": "2025-01-31"})
    assert response.status_code == 302
    db.session.refresh(teacher)
    assert not teacher.is_active


def test_admin_cannot_deactivate_themselves(client, as_admin):
    response = client.post(f"/admin/users/{as_admin.id}/deactivate", data={"leave_date": "2025-01-31"})
    assert response.status_code == 422
    assert "不能停用自己的账号" in response.get_data(as_text=True)


def test_reactivation_lets_the_user_sign_in_again(client, as_admin, users):
    teacher = users["teacher"]
    teacher.is_active = False
    db.session.commit()
    assert client.post(f"/admin/users/{teacher.id}/activate").status_code == 302
    db.session.refresh(teacher)
    assert teacher.is_active and teacher.leave_date is None
    client.post("/logout")
    assert sign_in(client, "teacher", "correct-horse-battery").status_code == 302


def test_reactivating_an_active_user_says_so(client, as_admin, users):
    response = client.post(f"/admin/users/{users['teacher'].id}/activate", follow_redirects=True)
    assert "已是在职状态" in response.get_data(as_text=True)
