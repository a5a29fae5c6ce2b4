"""Six-speed rules as services: visit-time order, the modification log, all-or-nothing edits."""
import datetime as dt

import pytest

from eduflow.domain import DomainError, FieldError, StaleRecord
from eduflow.extensions import db
from eduflow.leads.sixspeed import update_six_speed, visit_time_problems
from eduflow.models import SixSpeedChange, Stickiness

T = dt.datetime(2026, 11, 20, 6, 0)


def test_each_changed_field_is_logged_with_old_and_new(make_lead, users):
    lead = make_lead()
    update_six_speed(lead, {"purchase_power": "高", "wechat_added": True}, by=users["sales"])
    update_six_speed(lead, {"purchase_power": "中", "wechat_added": True}, by=users["sales"])
    db.session.commit()
    log = [(c.field, c.old_value, c.new_value) for c in db.session.query(SixSpeedChange).order_by(SixSpeedChange.id)]
    assert log == [("purchase_power", "", "高"), ("wechat_added", "false", "true"), ("purchase_power", "高", "中")]


def test_actual_visit_cannot_be_earlier_than_promised(make_lead, users):
    lead = make_lead()
    update_six_speed(lead, {"promised_visit_at": T}, by=users["sales"])
    with pytest.raises(DomainError, match="实际到访"):
        update_six_speed(lead, {"actual_visit_at": T - dt.timedelta(hours=1), "purchase_power": "高"},
                         by=users["sales"])
    assert lead.six_speed.actual_visit_at is None and lead.six_speed.purchase_power == ""


def test_second_visit_needs_a_first_visit_not_later_than_it(make_lead, users):
    lead = make_lead()
    with pytest.raises(DomainError, match="一访"):
        update_six_speed(lead, {"second_visit_at": T}, by=users["sales"])
    with pytest.raises(DomainError, match="二访"):
        update_six_speed(lead, {"first_visit_at": T, "second_visit_at": T - dt.timedelta(days=1)}, by=users["sales"])
    update_six_speed(lead, {"first_visit_at": T, "second_visit_at": T + dt.timedelta(days=1)}, by=users["sales"])


def test_stickiness_takes_only_high_mid_low(make_lead, users):
    lead = make_lead()
    update_six_speed(lead, {"stickiness": "1"}, by=users["sales"])
    assert lead.six_speed.stickiness == Stickiness.HIGH
    with pytest.raises(DomainError):
        update_six_speed(lead, {"stickiness": "9"}, by=users["sales"])


def test_unknown_field_is_refused(make_lead, users):
    with pytest.raises(DomainError):
        update_six_speed(make_lead(), {"owner_id": 3}, by=users["sales"])


def test_a_save_on_another_version_than_the_sheets_is_refused_whole(make_lead, users):
    lead = make_lead()
    with pytest.raises(StaleRecord):
        update_six_speed(lead, {"distance": "3公里"}, by=users["sales"], expected_version=1)  # no sheet yet: 0
    update_six_speed(lead, {"distance": "3公里"}, by=users["sales"], expected_version=0)
    db.session.commit()
    assert lead.six_speed.version == 1
    with pytest.raises(StaleRecord):
        update_six_speed(lead, {"distance": "5公里", "purchase_power": "高"}, by=users["manager"], expected_version=0)
    db.session.rollback()
    assert (lead.six_speed.distance, lead.six_speed.purchase_power, lead.six_speed.version) == ("3公里", "", 1)


def test_an_unchanged_save_opens_no_sheet_and_moves_no_version(make_lead, users):
    lead = make_lead()
    assert update_six_speed(lead, {"distance": "", "is_valid": True}, by=users["sales"], expected_version=0) == []
    assert lead.six_speed is None


def test_the_visit_rules_name_their_field(make_lead, users):
    lead = make_lead()
    now = dt.datetime(2026, 11, 21)
    assert visit_time_problems({"promised_visit_at": T, "actual_visit_at": T - dt.timedelta(hours=1)}, now) == {
        "actual_visit_at": "实际到访时间不能早于承诺到访时间。"}
    assert set(visit_time_problems({"actual_visit_at": now + dt.timedelta(minutes=1),
                                    "second_visit_at": T}, now)) == {"actual_visit_at", "second_visit_at"}
    assert visit_time_problems({"actual_visit_at": now, "first_visit_at": T, "second_visit_at": T}, now) == {}
    with pytest.raises(FieldError) as refused:
        update_six_speed(lead, {"first_visit_at": T, "second_visit_at": T - dt.timedelta(days=1)}, by=users["sales"])
    assert refused.value.field == "second_visit_at"
