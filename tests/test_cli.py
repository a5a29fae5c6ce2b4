"""The create-admin command."""
from sqlalchemy import select

from eduflow.extensions import db
from eduflow.models import Role, Settings, User
from eduflow.security.passwords import verify_password


def test_create_admin_makes_a_working_administrator(runner):
    result = runner.invoke(args=["create-admin", "--username", "boss", "--password", "a-long-password"])
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User).where(User.username == "boss"))
    assert user.role == Role.ADMIN and user.campus_id is None
    assert verify_password(user.password_hash, "a-long-password")
    assert db.session.scalar(select(Settings).where(Settings.campus_id.is_(None))) is not None


def test_create_admin_refuses_a_taken_username(runner):
    runner.invoke(args=["create-admin", "--username", "boss", "--password", "a-long-password"])
    result = runner.invoke(args=["create-admin", "--username", "BOSS", "--password", "another-password"])
    assert result.exit_code != 0 and "已被使用" in result.output


def test_create_admin_refuses_a_short_password(runner):
    result = runner.invoke(args=["create-admin", "--username", "boss", "--password", "short"])
    assert result.exit_code != 0
    assert db.session.scalar(select(User).where(User.username == "boss")) is None
