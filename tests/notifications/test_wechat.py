"""WeChat Official Account template messages against a local stub of WeChat's API: one access token for many sends,
fetched again once when WeChat calls it stale; an unfollowed account fails at once; the openid is bound when the
parent signs in from WeChat's browser (OAuth2 snsapi_base), moved from another account, never failing the sign-in."""
from __future__ import annotations

import datetime as dt
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import select

from eduflow.extensions import db
from eduflow.models import (
    DeliveryStatus, Notification, NotificationChannel as Channel, NotificationKind as Kind, ParentAccount, Settings,
)
from eduflow.notifications import delivery
from eduflow.notifications.outbox import notify_family
from eduflow.notifications.providers import NotSent, Refused
from eduflow.notifications.wechat import send_template, template_data
from tests import factories
from tests.notifications.provider_stubs import wechat_api  # noqa: F401 - fixture

OPENID = "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"
WECHAT_UA = ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
             "Mobile/15E148 MicroMessenger/8.0.47(0x18002f2c) NetType/WIFI Language/zh_CN")
PARAMS = {"student": "王小明", "lesson": "12-01 09:00", "status": "出勤", "units": 1, "course": "少儿英语",
          "balance": 19}


def _data(kind=Kind.LESSON_DEDUCTED):
    return template_data(kind, PARAMS, "zh_CN", "课消通知：王小明", "王小明 于 12-01 09:00 上课")


def _wechat_messages() -> list[Notification]:
    db.session.expire_all()
    return list(db.session.scalars(select(Notification).where(Notification.channel == Channel.WECHAT)))


def _wechat_on(family) -> None:
    family.account.wechat_openid = OPENID
    db.session.add(Settings(campus_id=family.first.campus_id, notify_wechat=True, quiet_start=dt.time(0),
                            quiet_end=dt.time(0)))
    db.session.commit()


# ---------- the token and the template send ----------

def test_one_access_token_serves_several_sends(app, wechat_api):
    refs = [send_template(OPENID, Kind.LESSON_DEDUCTED, _data(), "/p/hours") for _ in range(3)]
    assert wechat_api.token_fetches == 1 and refs == ["200228333", "200228334", "200228335"]
    message = wechat_api.sent[0]
    assert (message["touser"], message["template_id"]) == (OPENID, "TPL_DEDUCTED")
    assert message["url"] == "https://school.example.com/p/hours"


def test_a_stale_token_is_fetched_again_once_and_the_message_still_goes(app, wechat_api):
    send_template(OPENID, Kind.LESSON_DEDUCTED, _data())
    wechat_api.retire_tokens()  # e.g. fetched by another install with the same keys
    assert send_template(OPENID, Kind.LESSON_DEDUCTED, _data())
    assert wechat_api.token_fetches == 2 and len(wechat_api.sent) == 2
    send_template(OPENID, Kind.LESSON_DEDUCTED, _data())
    assert wechat_api.token_fetches == 2  # the new token is kept


def test_a_wrong_secret_gets_no_token_and_nothing_is_sent(app, wechat_api):
    app.config["EDUFLOW_WECHAT_APP_SECRET"] = "not-the-secret"
    with pytest.raises(NotSent, match="40125"):
        send_template(OPENID, Kind.LESSON_DEDUCTED, _data())
    assert wechat_api.sent == [] and wechat_api.token_fetches == 0


def test_the_classic_layout_by_default_and_the_configured_fields_cut_to_wechats_lengths(app, wechat_api,
                                                                                        monkeypatch):
    data = _data()
    assert data["first"] == {"value": "课消通知：王小明"} and data["remark"]["value"].startswith("王小明 于")
    assert [data[f"keyword{n}"]["value"] for n in range(1, 7)] == ["王小明", "12-01 09:00", "出勤", "1", "少儿英语", "19"]
    monkeypatch.setitem(app.config, "EDUFLOW_WECHAT_FIELDS_DEDUCTED",
                        "thing1=student,time2=lesson,number3=balance,thing4=body")
    data = template_data(Kind.LESSON_DEDUCTED, PARAMS, "zh_CN", "s", "很长的一段话" * 5)
    assert data["thing1"] == {"value": "王小明"} and data["number3"] == {"value": "19"}
    assert len(data["thing4"]["value"]) == 20 and data["thing4"]["value"].endswith("…")


def test_a_parent_who_unfollowed_the_account_fails_at_once(family, wechat_api):
    _wechat_on(family)
    wechat_api.unfollowed.add(OPENID)
    notify_family(Kind.LESSON_DEDUCTED, family.first, "attendance:1:v1", PARAMS)
    db.session.commit()
    (message,) = _wechat_messages()
    assert (message.status, message.attempts) == (DeliveryStatus.FAILED, 1)
    assert "43004" in message.last_error and "no longer follows" in message.last_error
    with pytest.raises(Refused):
        send_template(OPENID, Kind.LESSON_DEDUCTED, _data())


def test_an_event_reaches_the_parents_wechat_only_with_an_openid_and_the_campus_switch(family, wechat_api):
    notify_family(Kind.LESSON_DEDUCTED, family.first, "attendance:1:v1", PARAMS)
    db.session.commit()
    assert _wechat_messages() == []  # switched off, no openid
    _wechat_on(family)
    notify_family(Kind.LESSON_DEDUCTED, family.first, "attendance:2:v1", PARAMS, link="/p/hours")
    notify_family(Kind.LESSON_DEDUCTED, family.second, "attendance:3:v1", PARAMS)  # 二校区: not switched on
    db.session.commit()
    (message,) = _wechat_messages()
    assert (message.status, message.provider_ref) == (DeliveryStatus.SENT, "200228333")
    (sent,) = wechat_api.sent
    assert sent["touser"] == OPENID and sent["url"] == "https://school.example.com/p/hours"
    assert sent["data"]["keyword6"] == {"value": "19"} and "剩余 19 课时" in sent["data"]["remark"]["value"]


def test_a_message_whose_parent_lost_the_openid_before_it_went_fails_at_once(family, wechat_api):
    _wechat_on(family)
    db.session.scalar(select(Settings).where(Settings.campus_id == family.first.campus_id)).quiet_end = dt.time(23, 59)
    db.session.commit()
    notify_family(Kind.LESSON_DEDUCTED, family.first, "attendance:1:v1", PARAMS)  # held by quiet hours
    db.session.commit()
    family.account.wechat_openid = None  # moved to another account meanwhile
    db.session.commit()
    (message,) = _wechat_messages()
    assert delivery.deliver(message.id, now=message.send_after) == DeliveryStatus.FAILED
    (message,) = _wechat_messages()
    assert message.attempts == 1 and "no openid" in message.last_error and wechat_api.sent == []


# ---------- the openid, bound at sign-in from WeChat's browser ----------

def _sign_in_from_wechat(client, expect_wechat=True):
    response = client.post("/p/login", data={"phone": factories.PARENT_PHONE, "password": factories.PASSWORD},
                           headers={"User-Agent": WECHAT_UA})
    assert response.status_code == 302
    location = response.headers["Location"]
    if not expect_wechat:
        return location
    parts = urlsplit(location)
    assert parts.fragment == "wechat_redirect" and parts.path == "/open/connect/oauth2/authorize"
    assert list(parse_qs(parts.query)) == ["appid", "redirect_uri", "response_type", "scope", "state"]
    query = {name: values[0] for name, values in parse_qs(parts.query).items()}
    assert query["scope"] == "snsapi_base" and query["response_type"] == "code"
    assert query["redirect_uri"] == "https://school.example.com/p/wechat/callback"
    assert query["state"].isalnum() and len(query["state"]) <= 128
    return query["state"]


def _openid_of(account_id: int) -> str | None:
    db.session.expire_all()
    return db.session.get(ParentAccount, account_id).wechat_openid


def test_signing_in_from_wechat_binds_the_openid_moved_from_another_account(client, family, wechat_api):
    other = factories.make_parent_account(phone="13987654321", wechat_openid=OPENID)
    db.session.commit()
    state = _sign_in_from_wechat(client)
    wechat_api.codes["CODE123"] = OPENID  # WeChat sends the browser back with a code for this user
    response = client.get(f"/p/wechat/callback?code=CODE123&state={state}", headers={"User-Agent": WECHAT_UA})
    assert response.status_code == 302 and response.headers["Location"].endswith("/p/")
    assert _openid_of(family.account.id) == OPENID and _openid_of(other.id) is None
    assert client.get("/p/").status_code == 200


def test_wechat_refusing_the_code_or_a_forged_state_never_fails_the_sign_in(client, family, wechat_api):
    state = _sign_in_from_wechat(client)
    response = client.get(f"/p/wechat/callback?code=EXPIRED&state={state}")  # WeChat answers 40029
    assert response.status_code == 302 and response.headers["Location"].endswith("/p/")
    wechat_api.codes["CODE123"] = OPENID
    forged = state[:-1] + ("0" if state[-1] != "0" else "1")
    assert client.get(f"/p/wechat/callback?code=CODE123&state={forged}").status_code == 302
    assert _openid_of(family.account.id) is None and client.get("/p/").status_code == 200
    assert "CODE123" in wechat_api.codes  # a forged state never reaches WeChat


def test_outside_wechat_or_without_wechat_configured_the_parent_goes_straight_home(client, family, app):
    assert _sign_in_from_wechat(client, expect_wechat=False).endswith("/p/")
    response = client.get("/p/wechat/callback?code=CODE123&state=1Z2Z3")
    assert response.status_code == 302 and response.headers["Location"].endswith("/p/")


class _SharedStore:
    """What the token cache asks of Redis (get, set with expiry, delete), shared like one Redis server."""

    def __init__(self):
        self.values, self.expiry = {}, {}

    def get(self, key):
        return self.values.get(key)

    def set(self, key, value, ex=None):
        self.values[key], self.expiry[key] = value.encode(), ex

    def delete(self, key):
        self.values.pop(key, None)


def test_with_redis_every_worker_shares_one_token_kept_until_shortly_before_it_expires(app, wechat_api,
                                                                                      monkeypatch):
    from eduflow.notifications import wechat

    store = _SharedStore()
    monkeypatch.setitem(app.config, "EDUFLOW_REDIS_URL", "redis://shared.example:6379/0")
    monkeypatch.setitem(wechat._redis_clients, "redis://shared.example:6379/0", store)
    send_template(OPENID, Kind.LESSON_DEDUCTED, _data())
    wechat._local.clear()  # another worker: nothing of its own in memory
    send_template(OPENID, Kind.LESSON_DEDUCTED, _data())
    assert wechat_api.token_fetches == 1 and wechat._local == {}
    (key,) = store.values
    assert store.values[key] == b"ACCESS_TOKEN_1" and store.expiry[key] == 7200 - wechat.TOKEN_MARGIN_SECONDS
    wechat_api.retire_tokens()
    send_template(OPENID, Kind.LESSON_DEDUCTED, _data())
    assert wechat_api.token_fetches == 2 and store.values[key] == b"ACCESS_TOKEN_2"


def test_signing_in_with_a_code_from_wechat_binds_the_openid_too(client, family, wechat_api, app, monkeypatch):
    for name, value in {"EDUFLOW_SMS_PROVIDER": "aliyun", "EDUFLOW_SMS_ACCESS_KEY_ID": "k",
                        "EDUFLOW_SMS_ACCESS_KEY_SECRET": "s", "EDUFLOW_SMS_SIGN_NAME": "星火教育",
                        "EDUFLOW_SMS_TEMPLATES": "login_code=SMS_9"}.items():
        monkeypatch.setitem(app.config, name, value)
    codes = []
    monkeypatch.setattr("eduflow.notifications.sms.send_sms", lambda phone, key, values: codes.append(values["code"]))
    client.post("/p/login/code", data={"phone": factories.PARENT_PHONE})
    response = client.post("/p/login/code/verify", data={"code": codes[-1]}, headers={"User-Agent": WECHAT_UA})
    location = urlsplit(response.headers["Location"])
    assert response.status_code == 302 and location.path == "/open/connect/oauth2/authorize"
    wechat_api.codes["CODE9"] = OPENID
    state = parse_qs(location.query)["state"][0]
    assert client.get(f"/p/wechat/callback?code=CODE9&state={state}").headers["Location"].endswith("/p/")
    assert _openid_of(family.account.id) == OPENID


def test_opening_the_invitation_in_wechat_binds_the_openid_as_the_account_is_made(app, client, family, users,
                                                                                 wechat_api):
    from eduflow.parents.invites import create_invite, invite_token

    with app.test_request_context():
        invite, _ = create_invite(family.other.parents[0], by=users["academic"])  # 李爸爸 has no account yet
    db.session.commit()
    response = client.post(f"/p/invite/{invite_token(invite)}", headers={"User-Agent": WECHAT_UA},
                           data={"last4": "4321", "password": "violet tram harbour 42",
                                 "confirm": "violet tram harbour 42"})
    location = urlsplit(response.headers["Location"])
    assert response.status_code == 302 and location.path == "/open/connect/oauth2/authorize"
    wechat_api.codes["CODE7"] = "oDAD"
    state = parse_qs(location.query)["state"][0]
    assert client.get(f"/p/wechat/callback?code=CODE7&state={state}").headers["Location"].endswith("/p/")
    account = db.session.scalar(select(ParentAccount).where(ParentAccount.wechat_openid == "oDAD"))
    assert account is not None and account.id != family.account.id
