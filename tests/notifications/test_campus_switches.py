"""规则设置's notification switches per campus: e-mail, SMS and WeChat on or off, quiet hours, the reminder time;
equal quiet times and a reminder inside the quiet hours are refused with a message, writing nothing."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from eduflow.extensions import db
from eduflow.models import Settings

VALUES = {"dormant_days": "90", "pool_return_days": "15", "max_open_leads": "150", "low_hours_threshold": "3",
          "contract_expiry_days": "20", "high_value_amount": "50000", "attendance_lock_days": "5",
          "leave_cutoff_hours": "3", "quiet_start": "21:00", "quiet_end": "08:00", "reminder_time": "19:30"}


def _of(campus) -> Settings | None:
    db.session.expire_all()
    return db.session.scalar(select(Settings).where(Settings.campus_id == campus.id))


def test_the_form_shows_every_switch(client, login_as, campuses):
    login_as("admin")
    page = client.get(f"/admin/settings/{campuses[0].id}").get_data(as_text=True)
    for name in ("notify_email", "notify_sms", "notify_wechat", "quiet_start", "quiet_end", "reminder_time"):
        assert f'name="{name}"' in page, name
    assert 'value="19:00"' in page  # the reminder's default


def test_a_campus_turns_sms_and_wechat_on_and_sets_its_hours(client, login_as, campuses):
    first, second = campuses
    login_as("admin")
    response = client.post(f"/admin/settings/{first.id}", data={
        **VALUES, "notify_sms": "y", "notify_wechat": "y", "quiet_start": "22:30", "quiet_end": "07:00"})
    assert response.status_code == 302
    saved = _of(first)
    assert (saved.notify_email, saved.notify_sms, saved.notify_wechat) == (False, True, True)
    assert (saved.quiet_start, saved.quiet_end, saved.reminder_time) == (dt.time(22, 30), dt.time(7), dt.time(19, 30))
    assert _of(second) is None  # the other campus keeps the defaults
    client.post(f"/admin/settings/{first.id}", data={**VALUES, "notify_email": "y"})
    saved = _of(first)
    assert (saved.notify_email, saved.notify_sms, saved.notify_wechat) == (True, False, False)


def test_a_blank_reminder_time_is_seven_in_the_evening(client, login_as, campuses):
    login_as("admin")
    assert client.post(f"/admin/settings/{campuses[0].id}", data={**VALUES, "reminder_time": ""}).status_code == 302
    assert _of(campuses[0]).reminder_time == dt.time(19)


def test_equal_quiet_times_and_a_reminder_in_the_quiet_hours_are_refused(client, login_as, campuses):
    login_as("admin")
    url = f"/admin/settings/{campuses[0].id}"
    for bad, says in (({"quiet_start": "21:00", "quiet_end": "21:00"}, "免打扰的开始和结束时间不能相同"),
                      ({"reminder_time": "21:30"}, "上课提醒时间在免打扰时段内"),
                      ({"reminder_time": "07:59"}, "上课提醒时间在免打扰时段内"),
                      ({"quiet_start": "12:00", "quiet_end": "14:00", "reminder_time": ""}, "上课提醒时间在免打扰时段内")
                      if False else ({"quiet_start": "18:00", "quiet_end": "20:00", "reminder_time": ""},
                                     "上课提醒时间在免打扰时段内"),
                      ({"quiet_start": "25:00"}, ""), ({"reminder_time": "seven"}, "")):
        response = client.post(url, data={**VALUES, **bad})
        assert response.status_code == 422, bad
        assert says in response.get_data(as_text=True), bad
    assert _of(campuses[0]) is None  # nothing written
    assert client.post(url, data={**VALUES, "reminder_time": "08:00"}).status_code == 302  # the hour quiet ends


def test_the_defaults_page_saves_the_switches_too(client, login_as, campuses):
    login_as("admin")
    assert client.post("/admin/settings", data={**VALUES, "notify_wechat": "y"}).status_code == 302
    default = db.session.scalar(select(Settings).where(Settings.campus_id.is_(None)))
    assert (default.notify_wechat, default.reminder_time) == (True, dt.time(19, 30))
