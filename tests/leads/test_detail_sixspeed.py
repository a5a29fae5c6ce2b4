"""The six-speed sheet on the lead page: one form, every field editable at once, saved with one tap on the version
it was loaded with; each changed field is logged, each refused rule is told beside its field."""
import datetime as dt
import re

import pytest
from sqlalchemy import func, select, update

from eduflow.domain import FieldError, StaleRecord
from eduflow.extensions import db
from eduflow.leads.sixspeed import FIELDS, update_six_speed
from eduflow.models import SixSpeed, SixSpeedChange, Stickiness, utcnow

HX = {"HX-Request": "true"}
BLANK = {"purchase_power": "", "concept_awareness": "", "preferred_class_time": "", "distance": "",
         "communication_notes": "", "promised_visit_at": "", "actual_visit_at": "", "wechat_added": "0",
         "first_visit_at": "", "first_visit_status": "", "second_visit_at": "", "second_visit_status": "",
         "is_closed": "0", "is_enrolled": "0", "consultation_remark": "", "chasing_mark": "", "stickiness": "",
         "is_valid": "1", "version": "0"}


def _sheet(**values) -> dict:
    """The whole form as the page posts it: every field, `values` changed."""
    return {f"six_speed-{name}": str(value) for name, value in (BLANK | values).items()}


def _save(client, lead, headers=HX, **values):
    return client.post(f"/leads/{lead.id}/six-speed", data=_sheet(**values), headers=headers)


def _changes():
    return db.session.scalar(select(func.count(SixSpeedChange.id)))


def _error_beside(body: str, field: str) -> str:
    match = re.search(rf'data-testid="six-speed-error-{field}">([^<]*)<', body)
    return match.group(1) if match else ""


def test_the_page_shows_one_form_with_every_field_editable_and_one_save(client, login_as, make_lead):
    lead = make_lead()
    login_as("sales")
    body = client.get(f"/leads/{lead.id}").get_data(as_text=True)
    assert body.count('data-testid="six-speed-form"') == 1 and body.count('data-testid="six-speed-save"') == 1
    assert "six-speed-edit-" not in body, "no per-field 编辑 buttons any more"
    for name in FIELDS:
        assert f'name="six_speed-{name}"' in body, name
    for label in ("需求购买力", "承诺到访时间", "二访情况", "情感粘度", "是否加微信", "追单标注"):
        assert label in body
    assert 'type="datetime-local"' in body and 'name="six_speed-version" type="hidden" value="0"' in body


def test_one_save_writes_every_changed_field_and_logs_each(client, login_as, make_lead):
    lead = make_lead()
    login_as("sales")
    response = _save(client, lead, purchase_power=" 年预算两万 ", distance="3公里", wechat_added=1, stickiness=1)
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in body
    assert 'data-testid="six-speed-saved"' in body and "4 项修改" in body
    assert response.headers["HX-Trigger"] == "timeline-changed"
    assert "HX-Request" in response.headers.get("Vary", "")
    sheet = db.session.scalar(select(SixSpeed))
    assert (sheet.purchase_power, sheet.distance, sheet.wechat_added, sheet.stickiness) == (
        "年预算两万", "3公里", True, Stickiness.HIGH)
    log = {c.field: (c.old_value, c.new_value) for c in db.session.scalars(select(SixSpeedChange))}
    assert log == {"purchase_power": ("", "年预算两万"), "distance": ("", "3公里"), "wechat_added": ("false", "true"),
                   "stickiness": ("", "1")}
    assert 'name="six_speed-version" type="hidden" value="1"' in body, "the next save goes on the new version"
    timeline = client.get(f"/leads/{lead.id}/timeline", headers=HX).get_data(as_text=True)
    assert "需求购买力" in timeline and "年预算两万" in timeline and "情感粘度" in timeline


def test_a_save_without_changes_logs_nothing_and_triggers_nothing(client, login_as, make_lead):
    lead = make_lead()
    login_as("sales")
    _save(client, lead, distance="3公里")
    response = _save(client, lead, distance="3公里", version=1)
    assert response.status_code == 200 and "HX-Trigger" not in response.headers and _changes() == 1
    assert "没有修改" in response.get_data(as_text=True)
    assert db.session.scalar(select(SixSpeed.version)) == 1


def test_times_are_typed_in_the_school_zone_and_stored_in_utc(client, login_as, make_lead):
    lead = make_lead()
    login_as("sales")
    response = _save(client, lead, promised_visit_at="2026-11-20T14:30", actual_visit_at="2026-11-20T15:00")
    assert response.status_code == 200, response.get_data(as_text=True)
    assert db.session.scalar(select(SixSpeed.promised_visit_at)) == dt.datetime(2026, 11, 20, 6, 30)
    page = client.get(f"/leads/{lead.id}").get_data(as_text=True)
    assert 'value="2026-11-20T14:30"' in page and 'value="2026-11-20T15:00"' in page
    timeline = client.get(f"/leads/{lead.id}/timeline", headers=HX).get_data(as_text=True)
    assert "2026-11-20 14:30" in timeline, "the logged UTC time is shown in the school's zone"


def test_actual_visit_before_promised_is_refused_beside_the_field_and_nothing_saved(client, login_as, make_lead):
    lead = make_lead()
    login_as("sales")
    response = _save(client, lead, purchase_power="高", promised_visit_at="2026-11-20T14:00",
                     actual_visit_at="2026-11-20T13:00")
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "实际到访时间不能早于承诺到访时间" in _error_beside(body, "actual_visit_at")
    assert 'value="2026-11-20T13:00"' in body and 'value="高"' in body, "the typed values stay in the form"
    assert db.session.scalar(select(SixSpeed)) is None and _changes() == 0


def test_an_actual_visit_in_the_future_is_refused(client, login_as, make_lead, users):
    lead = make_lead()
    login_as("sales")
    tomorrow = (utcnow() + dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    response = _save(client, lead, actual_visit_at=tomorrow)
    assert response.status_code == 422
    assert "实际到访时间不能晚于现在" in _error_beside(response.get_data(as_text=True), "actual_visit_at")
    assert _changes() == 0
    with pytest.raises(FieldError) as refused:  # the service holds the rule too
        update_six_speed(lead, {"actual_visit_at": utcnow() + dt.timedelta(hours=1)}, by=users["sales"])
    assert refused.value.field == "actual_visit_at"


def test_every_broken_visit_rule_is_told_at_once_beside_its_field(client, login_as, make_lead):
    lead = make_lead()
    login_as("sales")
    response = _save(client, lead, promised_visit_at="2026-11-20T14:00", actual_visit_at="2026-11-20T13:00",
                     first_visit_at="2026-11-20T10:00", second_visit_at="2026-11-19T10:00")
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "实际到访时间不能早于承诺到访时间" in _error_beside(body, "actual_visit_at")
    assert "二访时间不能早于一访时间" in _error_beside(body, "second_visit_at")
    assert "请先填写一访时间" in _error_beside(_save(client, lead, second_visit_at="2026-11-19T10:00")
                                         .get_data(as_text=True), "second_visit_at")


def test_a_save_on_a_stale_version_is_409_with_the_input_kept_and_nothing_overwritten(client, login_as, make_lead,
                                                                                      users):
    lead = make_lead()
    login_as("sales")
    assert _save(client, lead, distance="3公里").status_code == 200  # version 0 → 1
    update_six_speed(lead, {"distance": "5公里"}, by=users["manager"], expected_version=1)  # someone else: → 2
    db.session.commit()
    response = _save(client, lead, distance="8公里", purchase_power="高", version=1)
    body = response.get_data(as_text=True)
    assert response.status_code == 409 and "该六速表刚被他人修改" in body
    assert 'value="8公里"' in body and 'value="高"' in body, "the second person's input is kept"
    assert 'name="six_speed-version" type="hidden" value="1"' in body, "saving again is refused again"
    assert 'data-testid="six-speed-reload"' in body
    db.session.expire_all()
    assert db.session.scalar(select(SixSpeed.distance)) == "5公里" and _changes() == 2
    fresh = client.get(f"/leads/{lead.id}/six-speed", headers=HX).get_data(as_text=True)
    assert 'value="5公里"' in fresh and 'name="six_speed-version" type="hidden" value="2"' in fresh


def test_two_first_saves_of_a_new_sheet_do_not_both_win(client, login_as, make_lead):
    lead = make_lead()
    login_as("sales")
    assert _save(client, lead, distance="3公里").status_code == 200
    response = _save(client, lead, distance="4公里", version=0)
    assert response.status_code == 409 and db.session.scalar(select(SixSpeed.distance)) == "3公里"


def test_a_write_between_reading_and_saving_is_caught_by_the_version_column(make_lead, users):
    """The version read with the sheet is checked again by the UPDATE itself: a concurrent save is a StaleRecord."""
    lead = make_lead()
    update_six_speed(lead, {"distance": "3公里"}, by=users["sales"])
    db.session.commit()
    assert lead.six_speed.version == 1
    db.session.execute(update(SixSpeed.__table__).where(SixSpeed.__table__.c.id == lead.six_speed.id)
                       .values(version=2, distance="9公里"))
    with pytest.raises(StaleRecord):
        update_six_speed(lead, {"distance": "5公里"}, by=users["sales"], expected_version=1)
    db.session.rollback()


def test_bad_values_get_a_message_not_a_500(client, login_as, make_lead):
    lead = make_lead()
    login_as("sales")
    for field, value in [("promised_visit_at", "not-a-date"), ("promised_visit_at", "0001-01-01T00:00"),
                         ("wechat_added", "maybe"), ("stickiness", "9"), ("distance", "远" * 300),
                         ("version", "x"), ("version", "")]:
        response = _save(client, lead, **{field: value})
        assert response.status_code == 422, (field, value)
        assert "six-speed-error" in response.get_data(as_text=True) or field == "version"
    missing = _sheet()
    del missing["six_speed-is_closed"]
    assert client.post(f"/leads/{lead.id}/six-speed", data=missing, headers=HX).status_code == 422
    assert _changes() == 0


def test_another_sales_lead_is_not_found_and_unchanged(client, login_as, make_lead):
    lead = make_lead(owner="sales2")
    login_as("sales")
    assert _save(client, lead, distance="1公里").status_code == 404
    assert client.get(f"/leads/{lead.id}/six-speed", headers=HX).status_code == 404
    assert _changes() == 0


def test_without_htmx_a_save_returns_to_the_page_and_a_refusal_shows_it(client, login_as, make_lead):
    lead = make_lead()
    login_as("sales")
    response = _save(client, lead, headers={}, distance="5公里")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/leads/{lead.id}")
    refused = _save(client, lead, headers={}, distance="6公里", version=0)
    assert refused.status_code == 409 and "<html" in refused.get_data(as_text=True)
    page = client.get(f"/leads/{lead.id}/six-speed")
    assert page.status_code == 200 and "<html" in page.get_data(as_text=True)


def test_in_english_the_sheet_and_its_messages_are_english(client, login_as, make_lead):
    lead = make_lead(name="Tom")
    login_as("sales")
    client.post("/language", data={"locale": "en"})
    form = client.get(f"/leads/{lead.id}/six-speed", headers=HX).get_data(as_text=True)
    refused = _save(client, lead, promised_visit_at="2026-11-20T14:00", actual_visit_at="2026-11-20T13:00")
    stale = _save(client, lead, version=5)
    for body in (form, refused.get_data(as_text=True), stale.get_data(as_text=True)):
        assert not re.search(r"[\u4e00-\u9fff]", body), re.findall(r"[^<>]*[\u4e00-\u9fff][^<>]*", body)[:5]
    assert "Save six-speed sheet" in form and "Someone else saved this six-speed sheet" in stale.get_data(as_text=True)
