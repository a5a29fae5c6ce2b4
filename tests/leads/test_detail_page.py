"""The lead page over HTTP: the header, full or masked phone, scope, links to colleagues' pages."""
import datetime as dt

import pytest

from eduflow.extensions import db
from eduflow.leads import views_detail
from eduflow.models import Course, LeadStage, SourceChannel, Tag
from tests import factories


def _lead_with_phone(make_lead, **fields):
    lead = make_lead(contact_name="张妈妈", contact_relation="母亲", wechat_id="zs_mama", **fields)
    lead.phone = "13812345678"
    db.session.commit()
    return lead


def test_owner_sees_every_header_fact_and_the_full_phone(client, login_as, make_lead, campuses):
    referrer = factories.make_student(campuses[0], name="李四")
    source = SourceChannel(name="老带新", is_referral=True)
    db.session.add(source)
    db.session.commit()
    lead = _lead_with_phone(make_lead, source_id=source.id, referrer_student_id=referrer.id,
                            consult_date=dt.date(2026, 3, 1), next_followup_at=dt.datetime(2026, 3, 2, 2, 0))
    lead.courses.append(Course(name="少儿英语"))
    lead.tags.append(Tag(name="高意向"))
    db.session.commit()
    login_as("sales")
    body = client.get(f"/leads/{lead.id}").get_data(as_text=True)
    for text in ("张三", "张妈妈", "母亲", "zs_mama", "少儿英语", "高意向", "老带新", "李四", "2026-03-01",
                 "新咨询", "Sales", "一校区", "从未跟进"):
        assert text in body, text
    assert "2026-03-02 10:00" in body, "next follow-up shown in the school's zone (UTC+8)"
    assert 'data-testid="lead-phone">13812345678<' in body
    assert 'data-testid="six-speed"' in body and 'data-testid="timeline"' in body and 'data-testid="trials"' in body


@pytest.mark.parametrize("who", ["manager", "admin"])
def test_campus_manager_and_admin_see_the_full_phone(client, login_as, make_lead, who):
    lead = _lead_with_phone(make_lead)
    login_as(who)
    assert 'data-testid="lead-phone">13812345678<' in client.get(f"/leads/{lead.id}").get_data(as_text=True)


def test_someone_not_allowed_the_full_number_sees_it_masked(client, login_as, make_lead, monkeypatch):
    lead = _lead_with_phone(make_lead)
    monkeypatch.setattr(views_detail, "may_see_full_phone", lambda record: False)
    login_as("manager")
    body = client.get(f"/leads/{lead.id}").get_data(as_text=True)
    assert 'data-testid="lead-phone">138****5678<' in body and "13812345678" not in body


def test_sales_cannot_open_another_sales_lead(client, login_as, make_lead):
    lead = make_lead(owner="sales2")
    login_as("sales")
    assert client.get(f"/leads/{lead.id}").status_code == 404


def test_manager_cannot_open_the_other_campus_lead(client, login_as, make_lead):
    lead = make_lead(owner="sales_b", campus=1)
    login_as("manager")
    assert client.get(f"/leads/{lead.id}").status_code == 404


def test_a_deleted_or_unknown_lead_is_not_found(client, login_as, make_lead):
    lead = make_lead(deleted_at=dt.datetime(2026, 1, 1))
    login_as("admin")
    assert client.get(f"/leads/{lead.id}").status_code == 404
    assert client.get("/leads/999999").status_code == 404


def test_pool_lead_shows_the_pool_as_owner_to_the_manager(client, login_as, make_lead):
    lead = make_lead(owner=None)
    login_as("manager")
    body = client.get(f"/leads/{lead.id}").get_data(as_text=True)
    assert 'data-testid="lead-owner">负责人：公海<' in body
    assert 'data-testid="lead-release-toggle"' not in body, "a pool lead cannot be released again"


def test_open_owned_lead_offers_conversion_and_release(app, client, login_as, make_lead):
    lead = make_lead(stage=LeadStage.INTENT)
    login_as("sales")
    body = client.get(f"/leads/{lead.id}").get_data(as_text=True)
    assert f'href="/leads/{lead.id}/convert"' in body and 'data-testid="lead-release-form"' in body
    if "leads.edit" in app.view_functions:
        assert 'data-testid="lead-edit"' in body


def test_converted_lead_offers_no_conversion_and_names_its_student(client, login_as, make_lead, campuses):
    student = factories.make_student(campuses[0], name="张三")
    db.session.commit()
    lead = make_lead(stage=LeadStage.CONVERTED, converted_student_id=student.id)
    login_as("sales")
    body = client.get(f"/leads/{lead.id}").get_data(as_text=True)
    assert 'data-testid="lead-convert"' not in body and "已转化为学员" in body
    assert 'data-testid="trial-form"' not in body, "a converted lead books no more trials"
