"""Six-speed rules as services: visit-time order, the modification log, all-or-nothing edits."""
import datetime as dt

import pytest

from eduflow.domain import DomainError
from eduflow.extensions import db
from eduflow.leads.sixspeed import update_six_speed
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
