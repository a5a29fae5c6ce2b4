"""QR invitations as services, without HTTP: the signed token, expiry, single use, the last four digits, throttling,
revocation and the audit trail."""
from __future__ import annotations

import datetime as dt

import pytest
from flask import current_app
from itsdangerous import URLSafeTimedSerializer
from sqlalchemy import select

from eduflow.access.rules import may_invite_parents
from eduflow.extensions import db
from eduflow.models import AuditLog, ParentAccount, ParentInvite, Student, utcnow
from eduflow.parents.invites import (
    MAX_WRONG_DIGITS, SALT, VALID_FOR, InviteRefused, UnknownInvite, WrongDigits, accept_invite, access_overview, create_invite,
    invite_token, read_invite, revoke_access,
)
from eduflow.access.scopes import scoped
from eduflow.security.passwords import verify_password
from eduflow.security.strength import WeakPassword
from tests import factories

NEW_PASSWORD = "violet tram harbour 42"
LAST4 = factories.PARENT_PHONE[-4:]


@pytest.fixture(autouse=True)
def _request(app):
    with app.test_request_context("/", environ_base={"REMOTE_ADDR": "10.0.0.7"}):
        yield


@pytest.fixture
def newcomer(campuses, users):
    """A child whose parent has no account yet."""
    student = factories.make_student(campuses[0], name="赵小龙", owner=users["sales"])
    parent = factories.make_parent(student, name="赵妈妈", phone="13655554321")
    db.session.commit()
    return parent


def _token(newcomer, users):
    invite, url = create_invite(newcomer, users["sales"])
    db.session.commit()
    return invite, url.rsplit("/", 1)[1]


def test_an_invite_link_carries_a_signed_token_of_the_invite(newcomer, users):
    invite, token = _token(newcomer, users)
    assert read_invite(token).id == invite.id
    assert invite.expires_at - invite.created_at == VALID_FOR
    with pytest.raises(UnknownInvite):
        read_invite(token[:-2] + ("A" if token[-2] != "A" else "B") + token[-1])
    forged = URLSafeTimedSerializer("another-secret", salt=SALT).dumps({"i": invite.id, "n": invite.nonce})
    with pytest.raises(UnknownInvite):
        read_invite(forged)
    with pytest.raises(UnknownInvite):  # the right signature, but not this invite's nonce
        read_invite(URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT).dumps(
            {"i": invite.id, "n": "0" * 32}))


def test_an_invite_expires_after_seven_days(newcomer, users):
    invite, token = _token(newcomer, users)
    invite.expires_at = utcnow() - dt.timedelta(seconds=1)
    db.session.commit()
    with pytest.raises(InviteRefused, match="过期") as refused:
        read_invite(token)
    assert refused.value.status_code == 410


def test_a_token_older_than_seven_days_is_refused_by_its_signature(newcomer, users, monkeypatch):
    invite, _ = _token(newcomer, users)
    import time
    real = time.time
    monkeypatch.setattr(time, "time", lambda: real() - VALID_FOR.total_seconds() - 60)
    old = invite_token(invite)
    monkeypatch.setattr(time, "time", real)
    with pytest.raises(InviteRefused, match="过期"):
        read_invite(old)


def test_accepting_creates_the_account_signs_up_once_and_audits(newcomer, users):
    invite, token = _token(newcomer, users)
    account = accept_invite(read_invite(token), LAST4_OF(newcomer), NEW_PASSWORD)
    db.session.commit()
    assert account.phone_hash == newcomer.phone_hash and verify_password(account.password_hash, NEW_PASSWORD)
    assert db.session.get(ParentInvite, invite.id).used_at is not None
    with pytest.raises(InviteRefused, match="已经使用过"):
        read_invite(token)
    actions = set(db.session.scalars(select(AuditLog.action)))
    assert {"parent_invited", "parent_invite_accepted"} <= actions
    invited = db.session.scalar(select(AuditLog).where(AuditLog.action == "parent_invited"))
    assert invited.actor_id == users["sales"].id and invited.entity_id == str(newcomer.id)


def LAST4_OF(parent) -> str:  # noqa: N802 - reads as a phrase
    return parent.phone[-4:]


def test_two_accepts_of_one_invite_cannot_both_succeed(newcomer, users):
    """The second accept holds the invite as it was loaded (unused), as a concurrent request would: the guarded
    UPDATE ... WHERE used_at IS NULL still refuses it."""
    invite, token = _token(newcomer, users)
    loaded = read_invite(token)
    accept_invite(loaded, LAST4_OF(newcomer), NEW_PASSWORD)
    assert loaded.used_at is None  # what a concurrent request that loaded it earlier still believes
    with pytest.raises(InviteRefused, match="已经使用过"):
        accept_invite(loaded, LAST4_OF(newcomer), "another long passphrase 9")
    db.session.commit()
    assert db.session.get(ParentInvite, invite.id).used_at is not None
    account = db.session.scalar(select(ParentAccount).where(ParentAccount.phone_hash == newcomer.phone_hash))
    assert verify_password(account.password_hash, NEW_PASSWORD)


def test_wrong_last_four_digits_are_refused_and_throttled_on_the_invite(app, newcomer, users):
    invite, token = _token(newcomer, users)
    for _ in range(app.config["LOGIN_FREE_FAILURES"]):
        with pytest.raises(WrongDigits) as wrong:
            accept_invite(read_invite(token), "0000", NEW_PASSWORD)
        db.session.commit()  # the view keeps the failed attempt
        assert wrong.value.field == "last4" and wrong.value.status_code == 422
    with pytest.raises(WrongDigits) as throttled:  # even the right digits wait now
        accept_invite(read_invite(token), LAST4_OF(newcomer), NEW_PASSWORD)
    assert throttled.value.status_code == 429
    assert db.session.scalar(select(ParentAccount).where(ParentAccount.phone_hash == newcomer.phone_hash)) is None
    assert db.session.scalar(select(AuditLog).where(AuditLog.action == "parent_invite_wrong_digits")) is not None
    other, other_token = _token(newcomer, users)  # keyed on the invite: another invite is not delayed
    assert accept_invite(read_invite(other_token), LAST4_OF(newcomer), NEW_PASSWORD) is not None


def test_a_weak_password_is_refused_by_the_shared_rule(newcomer, users):
    _, token = _token(newcomer, users)
    with pytest.raises(WeakPassword):
        accept_invite(read_invite(token), LAST4_OF(newcomer), "password1")
    db.session.rollback()
    assert read_invite(token).used_at is None


def test_an_invite_for_a_phone_with_an_account_resets_its_password(family, users):
    parent = family.first.parents[0]
    old_token = family.account.session_token
    _, url = create_invite(parent, users["manager"])
    db.session.commit()
    account = accept_invite(read_invite(url.rsplit("/", 1)[1]), LAST4, NEW_PASSWORD)
    db.session.commit()
    assert account.id == family.account.id and verify_password(account.password_hash, NEW_PASSWORD)
    assert account.session_token != old_token  # other devices are signed out
    assert db.session.scalar(select(ParentAccount.id).where(ParentAccount.id != account.id)) is None


def test_revoking_hides_the_child_ends_open_invites_and_a_new_invite_grants_again(family, users):
    parent = family.second.parents[0]
    _, url = create_invite(parent, users["manager_b"])
    db.session.commit()
    revoke_access(parent, users["manager_b"])
    db.session.commit()
    children = set(db.session.scalars(scoped(Student, family.account).with_only_columns(Student.name)))
    assert children == {"王小明"}
    with pytest.raises(InviteRefused, match="收回"):
        read_invite(url.rsplit("/", 1)[1])
    revoked = db.session.scalar(select(AuditLog).where(AuditLog.action == "parent_access_revoked"))
    assert revoked.actor_id == users["manager_b"].id and revoked.entity_id == str(parent.id)
    _, again = create_invite(parent, users["manager_b"])
    db.session.commit()
    accept_invite(read_invite(again.rsplit("/", 1)[1]), LAST4, NEW_PASSWORD)
    db.session.commit()
    assert db.session.get(type(parent), parent.id).portal_revoked_at is None
    assert set(db.session.scalars(scoped(Student, family.account).with_only_columns(Student.name))) == {"王小明", "王小红"}


def test_a_deleted_student_or_a_parent_without_phone_cannot_use_an_invite(newcomer, users):
    invite, token = _token(newcomer, users)
    newcomer.student.deleted_at = utcnow()
    db.session.commit()
    with pytest.raises(InviteRefused):
        read_invite(token)
    newcomer.student.deleted_at = None
    newcomer.phone = None
    db.session.commit()
    with pytest.raises(InviteRefused, match="手机号"):
        read_invite(token)
    with pytest.raises(Exception, match="手机号"):
        create_invite(newcomer, users["sales"])


def test_access_overview_tells_who_has_access_and_when_they_last_signed_in(family, users):
    family.account.last_login_at = utcnow()
    factories.make_parent(family.first, name="王爸爸", phone="13600001111", relationship="父亲").is_primary = False
    db.session.commit()
    rows = {row.parent.name: row for row in access_overview(family.first)}
    assert rows["王妈妈"].has_access and rows["王妈妈"].last_login_at is not None
    assert not rows["王爸爸"].has_access and rows["王爸爸"].account is None
    create_invite(rows["王爸爸"].parent, users["sales"])
    db.session.commit()
    assert access_overview(family.first)[1].pending is not None


def test_who_may_invite_parents(family, users):
    student = family.first  # 一校区, owned by sales
    allowed = {key for key, user in users.items() if may_invite_parents(user, student)}
    assert allowed == {"admin", "manager", "sales", "academic"}


def test_too_many_wrong_digits_from_many_addresses_end_the_invite(newcomer, users):
    _, token = _token(newcomer, users)
    for n in range(MAX_WRONG_DIGITS):
        with pytest.raises(WrongDigits):
            accept_invite(read_invite(token), "0000", NEW_PASSWORD, ip=f"10.8.0.{n}")
        db.session.commit()
    with pytest.raises(InviteRefused, match="错误次数过多"):
        accept_invite(read_invite(token), LAST4_OF(newcomer), NEW_PASSWORD, ip="10.8.1.1")
