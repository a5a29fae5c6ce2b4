"""One-time sign-in codes: sent by e-mail through a real SMTP server the test starts (aiosmtpd), read back from the
message; hashed, 10 minutes, 5 tries, single use, throttled; the same answer whether or not the phone has an
account."""
from __future__ import annotations

import datetime as dt
import re
import socket
from email import message_from_bytes
from email.policy import default

import pytest
from sqlalchemy import select

from eduflow.extensions import db
from eduflow.models import AuditLog, ParentLoginCode
from eduflow.parents.codes import MAX_TRIES, request_code, sign_in_with_code
from tests import factories

IP = "10.0.0.9"


class Inbox:
    """aiosmtpd's handler: every message the app sends lands here."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        self.messages.append((envelope.rcpt_tos, message_from_bytes(envelope.content, policy=default)))
        return "250 OK"

    def code(self) -> str:
        body = self.messages[-1][1].get_body().get_content()
        return re.search(r"\b(\d{6})\b", body).group(1)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def inbox(app):
    """A local SMTP server for the test, and the app configured to send through it (no TLS, no login)."""
    from aiosmtpd.controller import Controller

    handler = Inbox()
    controller = Controller(handler, hostname="127.0.0.1", port=_free_port())
    controller.start()
    settings = {"EDUFLOW_SMTP_HOST": "127.0.0.1", "EDUFLOW_SMTP_PORT": controller.port,
                "EDUFLOW_SMTP_SENDER": "school@example.com", "EDUFLOW_SMTP_STARTTLS": False}
    saved = {key: app.config.get(key) for key in settings}
    app.config.update(settings)
    try:
        yield handler
    finally:
        app.config.update(saved)
        controller.stop()


@pytest.fixture
def mailed_family(family):
    family.first.parents[0].email = "wang.mama@example.com"
    db.session.commit()
    return family


def test_the_login_page_offers_a_code_only_when_a_channel_is_configured(client, family, inbox, app):
    assert 'data-testid="login-with-code"' in client.get("/p/login").get_data(as_text=True)
    app.config["EDUFLOW_SMTP_HOST"] = None
    assert 'data-testid="login-with-code"' not in client.get("/p/login").get_data(as_text=True)
    assert client.get("/p/login/code").status_code == 404


def test_a_code_is_mailed_stored_hashed_and_signs_the_parent_in_once(client, mailed_family, inbox):
    response = client.post("/p/login/code", data={"phone": factories.PARENT_PHONE})
    assert response.status_code == 302 and response.headers["Location"].endswith("/p/login/code/verify")
    (recipients, message), = inbox.messages
    assert recipients == ["wang.mama@example.com"] and message["From"] == "school@example.com"
    code = inbox.code()
    stored = db.session.scalar(select(ParentLoginCode))
    assert code not in stored.code_hash and len(stored.code_hash) == 64
    assert stored.expires_at - stored.created_at <= dt.timedelta(minutes=10, seconds=1)
    signed_in = client.post("/p/login/code/verify", data={"code": code})
    assert signed_in.status_code == 302 and signed_in.headers["Location"].endswith("/p/")
    assert "王小明" in client.get("/p/").get_data(as_text=True)
    entry = db.session.scalar(select(AuditLog).where(AuditLog.action == "parent_login_ok"))
    assert entry.changes == {"via": [None, "code"]} and entry.parent_account_id == mailed_family.account.id
    client.post("/p/logout")
    with client.session_transaction() as session:
        session["parent_code_phone"] = factories.PARENT_PHONE
    assert client.post("/p/login/code/verify", data={"code": code}).status_code == 422  # used once


def test_the_answer_is_the_same_for_a_phone_without_an_account(client, mailed_family, inbox):
    known = client.post("/p/login/code", data={"phone": factories.PARENT_PHONE}, follow_redirects=True)
    client.get("/p/login")  # a fresh page: no flash left over
    unknown = client.post("/p/login/code", data={"phone": "13700001111"}, follow_redirects=True)
    assert known.status_code == unknown.status_code == 200

    def message(response):
        return re.search(r'role="alert"[^>]*>\s*([^<]+?)\s*<', response.get_data(as_text=True)).group(1)

    assert message(known) == message(unknown)
    assert len(inbox.messages) == 1  # only the real parent got mail


def test_a_code_allows_five_tries_then_is_dead(app, mailed_family, inbox):
    with app.test_request_context("/"):
        request_code(factories.PARENT_PHONE, IP)
        db.session.commit()
        code = inbox.code()
        wrong = "000000" if code != "000000" else "111111"
        for _ in range(MAX_TRIES):
            assert sign_in_with_code(factories.PARENT_PHONE, wrong, f"10.1.0.{_}").user is None
            db.session.commit()
        assert sign_in_with_code(factories.PARENT_PHONE, code, "10.2.0.1").user is None


def test_an_expired_code_is_refused(app, mailed_family, inbox):
    with app.test_request_context("/"):
        request_code(factories.PARENT_PHONE, IP)
        db.session.commit()
        stored = db.session.scalar(select(ParentLoginCode))
        stored.expires_at = stored.created_at - dt.timedelta(seconds=1)
        db.session.commit()
        assert sign_in_with_code(factories.PARENT_PHONE, inbox.code(), IP).user is None


def test_asking_for_codes_is_throttled_per_phone_from_any_address(app, mailed_family, inbox):
    with app.test_request_context("/"):
        waits = []
        for n in range(7):
            waits.append(request_code(factories.PARENT_PHONE, f"10.3.0.{n}"))
            db.session.commit()
        assert not any(waits[:5]) and all(waits[5:])
        assert len(inbox.messages) == 5


def test_trying_codes_is_throttled_per_phone_and_address(app, client, mailed_family, inbox):
    client.post("/p/login/code", data={"phone": factories.PARENT_PHONE})
    answers = [client.post("/p/login/code/verify", data={"code": "999999"}).status_code for _ in range(12)]
    assert answers[0] == 422 and 429 in answers


def test_a_mail_server_that_is_away_still_answers_the_neutral_page(app, client, mailed_family, inbox):
    app.config["EDUFLOW_SMTP_PORT"] = _free_port()  # nobody listens there
    response = client.post("/p/login/code", data={"phone": factories.PARENT_PHONE})
    assert response.status_code == 302
