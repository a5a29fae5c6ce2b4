"""The six-speed sheet edited inline on the lead page, one field at a time."""
import datetime as dt

from sqlalchemy import func, select

from eduflow.extensions import db
from eduflow.leads.sixspeed import update_six_speed
from eduflow.models import SixSpeed, SixSpeedChange, Stickiness

HX = {"HX-Request": "true"}


def _changes():
    return db.session.scalar(select(func.count(SixSpeedChange.id)))


def test_every_field_is_shown_with_its_label(client, login_as, make_lead):
    lead = make_lead()
    login_as("sales")
    body = client.get(f"/leads/{lead.id}").get_data(as_text=True)
    for label in ("需求购买力", "承诺到访时间", "二访情况", "情感粘度", "是否加微信", "追单标注"):
        assert label in body
    assert body.count('data-testid="six-speed-edit-') == 18


def test_get_returns_the_field_edit_form_as_a_fragment(client, login_as, make_lead):
    lead = make_lead()
    login_as("sales")
    response = client.get(f"/leads/{lead.id}/six-speed/promised_visit_at", headers=HX)
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in body
    assert 'type="datetime-local"' in body and 'name="promised_visit_at-value"' in body
    assert "HX-Request" in response.headers.get("Vary", "")


def test_text_field_saves_logs_and_refreshes_the_timeline(client, login_as, make_lead):
    lead = make_lead()
    login_as("sales")
    response = client.post(f"/leads/{lead.id}/six-speed/purchase_power", data={"purchase_power-value": " 年预算两万 "},
                           headers=HX)
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and 'data-testid="six-speed-saved"' in body and "年预算两万" in body
    assert response.headers["HX-Trigger"] == "timeline-changed"
    assert db.session.scalar(select(SixSpeed.purchase_power)) == "年预算两万"
    change = db.session.scalar(select(SixSpeedChange))
    assert (change.field, change.old_value, change.new_value) == ("purchase_power", "", "年预算两万")
    timeline = client.get(f"/leads/{lead.id}/timeline", headers=HX).get_data(as_text=True)
    assert "需求购买力" in timeline and "年预算两万" in timeline


def test_an_unchanged_value_logs_nothing_and_triggers_nothing(client, login_as, make_lead):
    lead = make_lead()
    login_as("sales")
    client.post(f"/leads/{lead.id}/six-speed/distance", data={"distance-value": "3公里"}, headers=HX)
    response = client.post(f"/leads/{lead.id}/six-speed/distance", data={"distance-value": "3公里"}, headers=HX)
    assert response.status_code == 200 and "HX-Trigger" not in response.headers and _changes() == 1


def test_times_are_typed_in_the_school_zone_and_stored_in_utc(client, login_as, make_lead):
    lead = make_lead()
    login_as("sales")
    response = client.post(f"/leads/{lead.id}/six-speed/promised_visit_at",
                           data={"promised_visit_at-value": "2026-11-20T14:30"}, headers=HX)
    assert response.status_code == 200 and "2026-11-20 14:30" in response.get_data(as_text=True)
    assert db.session.scalar(select(SixSpeed.promised_visit_at)) == dt.datetime(2026, 11, 20, 6, 30)
    form = client.get(f"/leads/{lead.id}/six-speed/promised_visit_at", headers=HX).get_data(as_text=True)
    assert 'value="2026-11-20T14:30"' in form
    timeline = client.get(f"/leads/{lead.id}/timeline", headers=HX).get_data(as_text=True)
    assert "2026-11-20 14:30" in timeline, "the logged UTC time is shown in the school's zone"


def test_flag_and_stickiness_fields_use_selects(client, login_as, make_lead):
    lead = make_lead()
    login_as("sales")
    assert client.post(f"/leads/{lead.id}/six-speed/wechat_added", data={"wechat_added-value": "1"},
                       headers=HX).status_code == 200
    assert client.post(f"/leads/{lead.id}/six-speed/stickiness", data={"stickiness-value": "1"},
                       headers=HX).status_code == 200
    sheet = db.session.scalar(select(SixSpeed))
    assert sheet.wechat_added is True and sheet.stickiness == Stickiness.HIGH
    timeline = client.get(f"/leads/{lead.id}/timeline", headers=HX).get_data(as_text=True)
    assert "情感粘度" in timeline and "高" in timeline and "是否加微信" in timeline


def test_actual_visit_before_promised_is_refused_with_422_and_nothing_saved(client, login_as, make_lead, users):
    lead = make_lead()
    update_six_speed(lead, {"promised_visit_at": dt.datetime(2026, 11, 20, 6, 0)}, by=users["sales"])
    db.session.commit()
    login_as("sales")
    response = client.post(f"/leads/{lead.id}/six-speed/actual_visit_at",
                           data={"actual_visit_at-value": "2026-11-20T13:00"}, headers=HX)
    body = response.get_data(as_text=True)
    assert response.status_code == 422 and "实际到访时间不能早于承诺到访时间" in body
    assert 'value="2026-11-20T13:00"' in body, "the typed value stays in the form"
    assert db.session.scalar(select(SixSpeed.actual_visit_at)) is None and _changes() == 1


def test_second_visit_before_first_is_refused(client, login_as, make_lead):
    lead = make_lead()
    login_as("sales")
    client.post(f"/leads/{lead.id}/six-speed/first_visit_at", data={"first_visit_at-value": "2026-11-20T10:00"},
                headers=HX)
    response = client.post(f"/leads/{lead.id}/six-speed/second_visit_at",
                           data={"second_visit_at-value": "2026-11-19T10:00"}, headers=HX)
    assert response.status_code == 422 and "二访时间不能早于一访时间" in response.get_data(as_text=True)
    assert db.session.scalar(select(SixSpeed.second_visit_at)) is None


def test_bad_values_get_a_message_not_a_500(client, login_as, make_lead):
    lead = make_lead()
    login_as("sales")
    for field, value in [("promised_visit_at", "not-a-date"), ("promised_visit_at", "0001-01-01T00:00"),
                         ("wechat_added", "maybe"), ("stickiness", "9"), ("distance", "远" * 300)]:
        response = client.post(f"/leads/{lead.id}/six-speed/{field}", data={f"{field}-value": value}, headers=HX)
        assert response.status_code == 422, (field, value)
        assert 'data-testid="six-speed-error"' in response.get_data(as_text=True)
    assert _changes() == 0


def test_unknown_field_is_not_found(client, login_as, make_lead):
    lead = make_lead()
    login_as("sales")
    assert client.get(f"/leads/{lead.id}/six-speed/password_hash", headers=HX).status_code == 404
    assert client.post(f"/leads/{lead.id}/six-speed/owner_id", data={"owner_id-value": "1"}, headers=HX).status_code == 404


def test_another_sales_lead_field_is_not_found_and_unchanged(client, login_as, make_lead):
    lead = make_lead(owner="sales2")
    login_as("sales")
    response = client.post(f"/leads/{lead.id}/six-speed/distance", data={"distance-value": "1公里"}, headers=HX)
    assert response.status_code == 404 and _changes() == 0


def test_show_returns_the_display_row_for_cancel(client, login_as, make_lead):
    lead = make_lead()
    login_as("sales")
    body = client.get(f"/leads/{lead.id}/six-speed/distance?show=1", headers=HX).get_data(as_text=True)
    assert 'id="six-speed-distance"' in body and "<form" not in body


def test_without_htmx_the_edit_opens_in_the_page_and_a_save_returns_to_it(client, login_as, make_lead):
    lead = make_lead()
    login_as("sales")
    page = client.get(f"/leads/{lead.id}/six-speed/distance").get_data(as_text=True)
    assert "<html" in page and 'data-testid="six-speed-form-distance"' in page
    response = client.post(f"/leads/{lead.id}/six-speed/distance", data={"distance-value": "5公里"})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/leads/{lead.id}")
