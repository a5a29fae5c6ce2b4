"""Rule settings: the defaults, and a campus's override created on save and removed by 使用默认设置."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from eduflow.extensions import db
from eduflow.models import AttendanceStatus, Settings

VALUES = {"dormant_days": "90", "pool_return_days": "15", "max_open_leads": "150", "low_hours_threshold": "3",
          "contract_expiry_days": "20", "high_value_amount": "50000", "attendance_lock_days": "5",
          "leave_cutoff_hours": "3", "quiet_start": "22:00", "quiet_end": "07:30"}


def defaults() -> Settings:
    return db.session.scalar(select(Settings).where(Settings.campus_id.is_(None)))


def override_of(campus) -> Settings | None:
    return db.session.scalar(select(Settings).where(Settings.campus_id == campus.id))


def test_the_settings_page_creates_the_default_row_when_missing(client, as_admin):
    db.session.delete(defaults())
    db.session.commit()
    assert client.get("/admin/settings").status_code == 200
    assert defaults() is not None


def test_admin_saves_the_default_settings(client, as_admin):
    response = client.post("/admin/settings", data={**VALUES, "deducting": ["present", "absent"]})
    assert response.status_code == 302
    saved = defaults()
    assert (saved.dormant_days, saved.pool_return_days, saved.high_value_amount) == (90, 15, 50000)
    assert (saved.leave_cutoff_hours, saved.quiet_start, saved.quiet_end, saved.notify_email) == (
        3, dt.time(22), dt.time(7, 30), False)
    assert saved.deducting == {AttendanceStatus.PRESENT, AttendanceStatus.ABSENT}


def test_no_status_need_deduct(client, as_admin):
    assert client.post("/admin/settings", data=VALUES).status_code == 302
    assert defaults().deducting == set()


def test_out_of_range_or_unknown_values_are_refused(client, as_admin):
    for bad in ({"dormant_days": "0"}, {"pool_return_days": "abc"}, {"max_open_leads": "99999999999"},
                {"deducting": ["present", "sleeping"]}):
        response = client.post("/admin/settings", data={**VALUES, **bad})
        assert response.status_code == 422, bad
    assert defaults().dormant_days == 180


def test_a_campus_override_is_created_on_first_save_and_removed_by_use_defaults(client, as_admin, campuses):
    first = campuses[0]
    page = client.get(f"/admin/settings/{first.id}").get_data(as_text=True)
    assert 'data-testid="defaults-notice"' in page and override_of(first) is None
    response = client.post(f"/admin/settings/{first.id}", data={**VALUES, "deducting": ["present"]})
    assert response.status_code == 302
    override = override_of(first)
    assert (override.dormant_days, override.deducting) == (90, {AttendanceStatus.PRESENT})
    assert defaults().dormant_days == 180
    assert 'data-testid="override-notice"' in client.get(f"/admin/settings/{first.id}").get_data(as_text=True)
    assert client.post(f"/admin/settings/{first.id}/reset").status_code == 302
    assert override_of(first) is None
    assert override_of(campuses[1]) is None


def test_settings_of_an_unknown_campus_are_404(client, as_admin):
    assert client.get("/admin/settings/999").status_code == 404
    assert client.post("/admin/settings/999/reset").status_code == 404


def test_a_campus_may_choose_to_consume_gift_lessons_first(client, as_admin, campuses):
    first = campuses[0]
    assert 'name="gift_first"' in client.get(f"/admin/settings/{first.id}").get_data(as_text=True)
    response = client.post(f"/admin/settings/{first.id}", data={**VALUES, "deducting": ["present"], "gift_first": "y"})
    assert response.status_code == 302
    assert override_of(first).gift_first is True and defaults().gift_first is False
