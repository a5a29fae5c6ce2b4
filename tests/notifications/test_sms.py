"""SMS through Aliyun and Tencent Cloud, against local stubs that recompute each request's signature as the provider
does and answer as it does: sent (its id kept), throttled (tried again later), a bad number (failed at once); a
wrong secret is refused. A teacher's mark reaches the parent's phone; the sign-in code goes by SMS when configured."""
from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import select

from eduflow.attendance.services import mark_attendance
from eduflow.extensions import db
from eduflow.models import (
    AttendanceStatus, DeliveryStatus, Notification, NotificationChannel as Channel, NotificationKind as Kind,
    NotificationPreference, Settings, utcnow,
)
from eduflow.notifications import delivery
from eduflow.notifications.outbox import notify_family
from eduflow.notifications.providers import NotSent, Refused
from eduflow.notifications.sms import LOGIN_CODE, send_sms
from tests import factories
from tests.attendance.conftest import enroll_new, group, lesson  # noqa: F401 - fixtures
from tests.notifications.provider_stubs import BAD_NUMBER, THROTTLED, aliyun, tencent  # noqa: F401 - fixtures

PHONE = factories.PARENT_PHONE
PARAMS = {"student": "王小明", "lesson": "12-01 09:00", "status": "出勤", "units": 1, "course": "少儿英语",
          "balance": 19}


def _sms_on(campus_id: int, quiet=(dt.time(0), dt.time(0))) -> None:
    db.session.add(Settings(campus_id=campus_id, notify_sms=True, quiet_start=quiet[0], quiet_end=quiet[1]))
    db.session.commit()


def _sms_messages() -> list[Notification]:
    db.session.expire_all()
    return list(db.session.scalars(select(Notification).where(Notification.channel == Channel.SMS)
                                   .order_by(Notification.id)))


# ---------- the adapters ----------

def test_aliyun_takes_a_signed_send_sms_and_its_biz_id_comes_back(app, aliyun):
    ref = send_sms(PHONE, LOGIN_CODE, {"code": "042917"})
    assert ref.endswith("01^0") and aliyun.stub.refused == []
    assert aliyun.sent == [{"phone": PHONE, "sign": "星火教育", "template": "SMS_100009", "params": {"code": "042917"}}]


def test_aliyun_refuses_a_request_signed_with_the_wrong_secret(app, aliyun):
    app.config["EDUFLOW_SMS_ACCESS_KEY_SECRET"] = "not-the-secret"
    with pytest.raises(NotSent, match="SignatureDoesNotMatch") as raised:
        send_sms(PHONE, LOGIN_CODE, {"code": "042917"})
    assert not isinstance(raised.value, Refused)  # a key the school can fix: tried again, not given up at once
    assert aliyun.stub.refused == ["SignatureDoesNotMatch"] and aliyun.sent == []


def test_aliyun_throttling_is_tried_again_and_a_bad_number_is_given_up(app, aliyun):
    aliyun.outcome[PHONE] = THROTTLED
    with pytest.raises(NotSent, match="throttling") as raised:
        send_sms(PHONE, LOGIN_CODE, {"code": "1"})
    assert not isinstance(raised.value, Refused)
    aliyun.outcome[PHONE] = BAD_NUMBER
    with pytest.raises(Refused, match="isv.MOBILE_NUMBER_ILLEGAL"):
        send_sms(PHONE, LOGIN_CODE, {"code": "1"})
    assert aliyun.sent == [] and aliyun.stub.refused == []  # signed correctly each time


def test_tencent_takes_a_tc3_signed_send_sms_with_the_parameters_in_the_templates_order(app, tencent):
    ref = send_sms(PHONE, Kind.LESSON_DEDUCTED.value, {"student": "王小明", "lesson": "12-01 09:00", "units": "1"})
    assert ref == "2640:5380463301" and tencent.stub.refused == []
    assert tencent.sent == [{"phone": "+86" + PHONE, "sign": "星火教育", "template": "1100001",
                             "params": ["王小明", "12-01 09:00", "1"]}]


def test_tencent_refuses_a_request_signed_with_the_wrong_key(app, tencent):
    app.config["EDUFLOW_SMS_ACCESS_KEY_SECRET"] = "not-the-key"
    with pytest.raises(NotSent, match="AuthFailure.SignatureFailure"):
        send_sms(PHONE, LOGIN_CODE, {"code": "042917"})
    assert tencent.stub.refused == ["AuthFailure.SignatureFailure"] and tencent.sent == []


def test_tencent_throttling_is_tried_again_and_a_bad_number_is_given_up(app, tencent):
    tencent.outcome["+86" + PHONE] = THROTTLED
    with pytest.raises(NotSent, match="LimitExceeded.PhoneNumberDailyLimit") as raised:
        send_sms(PHONE, LOGIN_CODE, {"code": "1"})
    assert not isinstance(raised.value, Refused)
    tencent.outcome["+86" + PHONE] = BAD_NUMBER
    with pytest.raises(Refused, match="IncorrectPhoneNumber"):
        send_sms(PHONE, LOGIN_CODE, {"code": "1"})
    assert tencent.sent == [] and tencent.stub.refused == []


# ---------- a mark reaches the parent's phone ----------

def test_a_mark_sends_the_deduction_by_sms_to_the_parents_phone_and_keeps_the_providers_id(
        users, lesson, group, enroll_new, aliyun):  # noqa: F811 - fixtures
    enrollment = enroll_new(group, purchased=10)
    factories.make_parent(enrollment.student)
    account = factories.make_parent_account()
    _sms_on(group.campus_id)
    mark_attendance(lesson, enrollment.student_id, AttendanceStatus.PRESENT, by=users["teacher"])
    db.session.commit()  # the queue works in place: fanned out and sent right after the commit
    (sent,) = aliyun.sent
    assert sent["phone"] == PHONE and sent["template"] == "SMS_100001"
    assert sent["params"]["student"] == "王小明" and sent["params"]["units"] == "1"
    assert sent["params"]["balance"] == "9" and sent["params"]["status"] == "出勤"
    (message,) = _sms_messages()
    assert (message.status, message.parent_account_id, message.attempts) == (DeliveryStatus.SENT, account.id, 1)
    assert message.provider_ref == "90061974693649840" + "1^0" and "剩余 9 课时" in message.body


def test_a_throttled_sms_waits_with_a_later_time_and_a_bad_number_fails_at_once_with_the_reason(family, aliyun):
    _sms_on(family.first.campus_id)
    aliyun.outcome[PHONE] = THROTTLED
    before = utcnow()
    notify_family(Kind.LESSON_DEDUCTED, family.first, "attendance:1:v1", PARAMS)
    db.session.commit()
    (message,) = _sms_messages()
    assert message.status == DeliveryStatus.PENDING and message.attempts == 1
    assert message.send_after >= before.replace(microsecond=0) + delivery.FIRST_DELAY  # MariaDB: whole seconds and "throttling" in message.last_error
    aliyun.outcome[PHONE] = BAD_NUMBER
    assert delivery.deliver(message.id, now=message.send_after) == DeliveryStatus.FAILED
    (message,) = _sms_messages()
    assert message.attempts == 2 and "refused the phone number" in message.last_error
    assert "isv.MOBILE_NUMBER_ILLEGAL" in message.last_error and aliyun.sent == []
    assert delivery.deliver(message.id, now=message.send_after + dt.timedelta(hours=1)) is None  # no more tries


def test_sms_follows_the_campus_switch_the_kinds_templates_opt_outs_and_quiet_hours(family, aliyun):
    notify_family(Kind.LESSON_DEDUCTED, family.first, "attendance:1:v1", PARAMS)
    db.session.commit()
    assert _sms_messages() == []  # the campus has not switched SMS on
    _sms_on(family.first.campus_id, quiet=(dt.time(0), dt.time(23, 59)))
    notify_family(Kind.LEAVE_CONFIRMED, family.first, "attendance:2:v1", {"student": "王小明", "lesson": "x"})
    db.session.add(NotificationPreference(parent_account_id=family.account.id, kind=Kind.ABSENT, enabled=False))
    notify_family(Kind.ABSENT, family.first, "attendance:3:v1", {"student": "王小明", "lesson": "x"})
    notify_family(Kind.LESSON_DEDUCTED, family.first, "attendance:4:v1", PARAMS)
    db.session.commit()
    (held,) = _sms_messages()  # no template for 请假确认; 缺勤 turned off; 课消 held by quiet hours
    assert (held.event_key, held.status) == ("attendance:4:v1", DeliveryStatus.PENDING)
    assert held.send_after > utcnow() and aliyun.sent == []


# ---------- the sign-in code ----------

def test_the_sign_in_code_goes_by_sms_when_it_is_configured_and_signs_the_parent_in(client, family, tencent):
    page = client.get("/p/login/code").get_data(as_text=True)
    assert "通过短信" in page
    response = client.post("/p/login/code", data={"phone": PHONE}, follow_redirects=True)
    assert "验证码已通过短信发送" in response.get_data(as_text=True)
    (sent,) = tencent.sent
    assert sent["phone"] == "+86" + PHONE and sent["template"] == "1100009"
    (code,) = sent["params"]
    assert re.fullmatch(r"\d{6}", code)
    response = client.post("/p/login/code/verify", data={"code": code})
    assert response.status_code == 302 and response.headers["Location"].endswith("/p/")


def test_fan_out_sends_the_same_statements_for_two_events_or_twelve_with_every_channel_on(
        family, aliyun, app, monkeypatch):
    from sqlalchemy import event

    from eduflow.notifications import outbox

    monkeypatch.setattr(delivery, "fan_out_now", lambda event_keys: None)  # fanned out below, by hand (not sent)
    for campus in (family.first.campus_id, family.second.campus_id):
        db.session.add(Settings(campus_id=campus, notify_sms=True, notify_wechat=True, quiet_start=dt.time(0),
                                quiet_end=dt.time(0)))
    family.account.wechat_openid = "oOPENID"
    for name, value in {"EDUFLOW_WECHAT_APP_ID": "wx1", "EDUFLOW_WECHAT_APP_SECRET": "s",
                        "EDUFLOW_WECHAT_TEMPLATES": "deducted=T1"}.items():
        monkeypatch.setitem(app.config, name, value)
    db.session.commit()

    def statements_for(keys: list[str]) -> int:
        for n, key in enumerate(keys):
            notify_family(Kind.LESSON_DEDUCTED, family.second if n % 2 else family.first, key, PARAMS)
        db.session.commit()
        sent: list[str] = []

        def listener(conn, cursor, statement, *rest):
            sent.append(statement)

        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            with delivery.queue_session() as session:
                ids = outbox.fan_out(session, keys)
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
        assert len(ids) == 2 * len(keys)  # an SMS and a WeChat message for each event
        return len(sent)

    assert statements_for([f"attendance:{n}:v1" for n in range(2)]) == \
        statements_for([f"attendance:{n}:v1" for n in range(10, 22)])
