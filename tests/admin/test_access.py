"""Admin pages are for admins only (the full role × route matrix lives with the lead's tests)."""
import pytest


@pytest.mark.parametrize("who", ["manager", "sales", "teacher"])
def test_non_admins_are_forbidden_from_the_user_list(client, login_as, who):
    login_as(who)
    assert client.get("/admin/users").status_code == 403


def test_a_manager_cannot_create_a_course(client, login_as):
    from eduflow.extensions import db
    from eduflow.models import Course
    from sqlalchemy import func, select

    login_as("manager")
    response = client.post("/admin/courses/new", data={"name": "偷偷加的课", "total_lessons": "1", "price": "1"})
    assert response.status_code == 403
    assert db.session.scalar(select(func.count(Course.id))) == 0


def test_anonymous_visitors_are_sent_to_login(client, users):
    response = client.get("/admin/settings")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_admin_nav_lists_every_admin_area(client, as_admin):
    page = client.get("/admin/users").get_data(as_text=True)
    for path in ("/admin/users", "/admin/campuses", "/admin/courses", "/admin/tags", "/admin/sources",
                 "/admin/settings"):
        assert f'href="{path}"' in page
