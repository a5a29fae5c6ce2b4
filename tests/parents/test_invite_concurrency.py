"""Two phones accepting one invitation at the same moment: one account, one use, the other refused.

Run it on every database: EDUFLOW_TEST_DATABASE_URL=postgresql+psycopg://… or mysql+pymysql://… (see tests/conftest.py).
"""
from __future__ import annotations

import threading

from sqlalchemy import func, select

from eduflow.extensions import db
from eduflow.models import ParentAccount
from eduflow.parents.invites import InviteRefused, accept_invite, create_invite, read_invite
from tests import factories

PHONES = 4


def _phone(app, token: str, password: str, start: threading.Barrier, outcomes: list) -> None:
    """One phone: its own request context and session, accepting as soon as every phone has loaded the link."""
    with app.test_request_context("/", environ_base={"REMOTE_ADDR": "10.9.0.1"}):
        try:
            invite = read_invite(token)
            start.wait()
            accept_invite(invite, "4321", password)
            db.session.commit()
            outcomes.append("accepted")
        except InviteRefused as refused:
            db.session.rollback()
            outcomes.append(str(refused))
        except Exception as exc:  # noqa: BLE001 - reported by the test (SQLite may answer "database is locked")
            db.session.rollback()
            outcomes.append(exc)
        finally:
            db.session.remove()


def test_phones_accepting_one_invite_at_once_make_one_account(app, campuses, users):
    student = factories.make_student(campuses[0], name="赵小龙", owner=users["sales"])
    parent = factories.make_parent(student, name="赵妈妈", phone="13655554321")
    db.session.commit()
    with app.test_request_context("/"):
        _, url = create_invite(parent, users["sales"])
        db.session.commit()
    token = url.rsplit("/", 1)[1]
    start, outcomes = threading.Barrier(PHONES), []
    threads = [threading.Thread(target=_phone, args=(app, token, f"violet tram harbour {n}2", start, outcomes))
               for n in range(PHONES)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert outcomes.count("accepted") == 1, outcomes
    if db.engine.dialect.name != "sqlite":
        assert all(isinstance(outcome, str) and "已经使用过" in outcome
                   for outcome in outcomes if outcome != "accepted"), outcomes
    db.session.expire_all()
    assert db.session.scalar(select(func.count(ParentAccount.id))) == 1
