"""Passwords are judged by zxcvbn and a common-password list, not by length alone, wherever they are set."""
import pytest
from sqlalchemy import select

from eduflow.admin.services import UserError, create_user, reset_password
from eduflow.auth.services import set_password
from eduflow.demo import DEMO_PASSWORD
from eduflow.extensions import db
from eduflow.models import Role, User
from eduflow.security.passwords import verify_password
from eduflow.security.strength import WeakPassword, common_passwords, password_problem
from tests.conftest import PASSWORD

WEAK = "password123"  # long enough for a length rule, first in any attacker's list
COMMON = "woaini1314"  # common among Chinese users; zxcvbn's English lists do not know it


@pytest.mark.parametrize("password", ["short", WEAK, COMMON, "qwertyuiop", "zhangwei1990", "12345678aa",
                                      "Eduflow2024"])
def test_guessable_passwords_are_refused(password):
    assert password_problem(password) is not None


@pytest.mark.parametrize("password", [PASSWORD, DEMO_PASSWORD, "piano-keys-88"])
def test_passphrases_pass_including_the_tests_and_the_demos(password):
    assert password_problem(password) is None


def test_a_password_built_on_the_account_name_is_refused():
    assert password_problem("lixiaoming2024") is None
    assert password_problem("lixiaoming2024", ["lixiaoming"]) is not None


def test_each_refusal_says_why():
    assert "至少需要 8 个字符" in password_problem("short")
    assert "常见密码" in password_problem(COMMON)
    assert "太容易被猜到" in password_problem(WEAK)


def test_a_very_long_password_is_judged_not_refused():
    assert password_problem("horse-" * 40) is not None, "a repeated word is still guessable"
    assert password_problem("piano-keys-88-" + "x" * 200) is None


def test_the_common_list_is_a_shipped_file_read_in_lower_case():
    words = common_passwords()
    assert "woaini1314" in words and "eduflow" in words and all(w == w.lower() for w in words)
    assert not any(w.startswith("#") for w in words)


def test_own_password_change_refuses_a_weak_password(client, login_as, users):
    login_as("sales")
    response = client.post("/account/password", data={
        "current_password": PASSWORD, "new_password": WEAK, "confirm": WEAK})
    assert response.status_code == 422 and "太容易被猜到" in response.get_data(as_text=True)
    assert verify_password(users["sales"].password_hash, PASSWORD)


def test_admin_cannot_create_an_account_with_a_common_password(client, login_as, campuses):
    login_as("admin")
    response = client.post("/admin/users/new", data={
        "username": "wang", "display_name": "王老师", "role": "teacher", "campus_id": campuses[0].id,
        "password": COMMON, "confirm": COMMON})
    assert response.status_code == 422 and "常见密码" in response.get_data(as_text=True)
    assert db.session.scalar(select(User).where(User.username == "wang")) is None


def test_admin_create_form_refuses_a_password_built_on_the_username(client, login_as, campuses):
    login_as("admin")
    response = client.post("/admin/users/new", data={
        "username": "lixiaoming", "display_name": "李小明", "role": "teacher", "campus_id": campuses[0].id,
        "password": "lixiaoming2024", "confirm": "lixiaoming2024"})
    assert response.status_code == 422
    assert db.session.scalar(select(User).where(User.username == "lixiaoming")) is None


def test_admin_reset_refuses_a_weak_password(client, login_as, users):
    login_as("admin")
    response = client.post(f"/admin/users/{users['sales'].id}/password", data={"password": WEAK, "confirm": WEAK})
    assert response.status_code == 422 and "太容易被猜到" in response.get_data(as_text=True)
    assert verify_password(users["sales"].password_hash, PASSWORD)


def test_services_refuse_weak_passwords_whatever_calls_them(users, campuses):
    with pytest.raises(WeakPassword):
        set_password(users["sales"], WEAK)
    with pytest.raises(UserError):
        reset_password(users["sales"], "sales123456")
    with pytest.raises(UserError):
        create_user(username="zhao", display_name="赵", role=Role.TEACHER, campus=campuses[0], password=COMMON)


def test_create_admin_refuses_a_weak_password_with_the_reason(runner):
    result = runner.invoke(args=["create-admin", "--username", "boss", "--password", WEAK])
    assert result.exit_code != 0 and "太容易被猜到" in result.output
    assert db.session.scalar(select(User).where(User.username == "boss")) is None
