"""Lead records over HTTP: create, edit, the list with search and filters, soft delete and restore."""
import pytest
from flask import url_for
from sqlalchemy import func, select

from eduflow.extensions import db
from eduflow.models import Course, Lead, LeadStage, SourceChannel, utcnow

HTMX = {"HX-Request": "true"}


def _url(app, endpoint, **values):
    with app.test_request_context():
        return url_for(endpoint, **values)


def _form(**overrides):
    source = db.session.scalar(select(SourceChannel.id).where(SourceChannel.name == "官网"))
    return {"name": "王小明", "gender": "unknown", "phone": "138 0013 8000", "source_id": str(source),
            "level": "potential", "is_valid": "y", "consult_date": "", **overrides}


def _count():
    return db.session.scalar(select(func.count(Lead.id)))


def test_sales_creates_a_lead_and_owns_it(app, client, login_as, users):
    login_as("sales")
    course = Course(name="少儿编程")
    db.session.add(course)
    db.session.commit()
    response = client.post("/leads/new", data=_form(course_ids=[str(course.id)]))
    lead = db.session.scalar(select(Lead))
    assert response.status_code == 302
    assert response.headers["Location"] == _url(app, "leads.detail", lead_id=lead.id)
    assert (lead.owner_id, lead.phone, lead.stage) == (users["sales"].id, "13800138000", LeadStage.NEW)
    assert [c.name for c in lead.courses] == ["少儿编程"]


def test_the_new_lead_form_shows_owner_choices_to_managers_only(client, login_as):
    login_as("sales")
    assert 'name="owner_id"' not in client.get("/leads/new").get_data(as_text=True)
    login_as.logout()
    login_as("manager")
    page = client.get("/leads/new").get_data(as_text=True)
    assert 'name="owner_id"' in page and "Sales2" in page and "Sales_B" not in page


def test_malformed_phone_gets_a_message_and_creates_nothing(client, login_as):
    login_as("sales")
    response = client.post("/leads/new", data=_form(phone="138-0013"))
    assert response.status_code == 422
    assert "请输入正确的手机号码" in response.get_data(as_text=True)
    assert _count() == 0


def test_duplicate_phone_names_the_owner_and_creates_nothing(client, login_as, make_lead):
    existing = make_lead(name="老客户", owner="sales2")
    existing.phone = "13800138000"
    db.session.commit()
    login_as("sales")
    response = client.post("/leads/new", data=_form())
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "负责人：Sales2" in body and "老客户" not in body
    assert _count() == 1


def test_referral_without_a_referrer_is_refused_beside_the_field(client, login_as):
    login_as("sales")
    referral = db.session.scalar(select(SourceChannel.id).where(SourceChannel.is_referral))
    response = client.post("/leads/new", data=_form(source_id=str(referral)))
    assert response.status_code == 422
    assert "来源为转介绍时必须选择推荐学员" in response.get_data(as_text=True)
    assert _count() == 0


def test_future_consult_date_is_refused(client, login_as):
    login_as("sales")
    response = client.post("/leads/new", data=_form(consult_date="2999-01-01"))
    assert response.status_code == 422 and "咨询日期不能晚于今天" in response.get_data(as_text=True)


def test_owner_edits_their_lead(app, client, login_as, make_lead):
    lead = make_lead(name="张三")
    lead.phone = "13800138000"
    db.session.commit()
    seen = lead.version
    login_as("sales")
    form = client.get(f"/leads/{lead.id}/edit").get_data(as_text=True)
    assert 'value="13800138000"' in form and f'name="version" type="hidden" value="{seen}"' in form
    response = client.post(f"/leads/{lead.id}/edit", data=_form(name="张三丰", phone="13800138000",
                                                                 version=str(seen), notes="周末有空"))
    assert response.status_code == 302
    fresh = db.session.get(Lead, lead.id)
    assert (fresh.name, fresh.notes, fresh.version) == ("张三丰", "周末有空", seen + 1)


def test_sales2_gets_404_editing_sales_lead(client, login_as, make_lead):
    lead = make_lead(name="别人的")
    login_as("sales2")
    assert client.get(f"/leads/{lead.id}/edit").status_code == 404
    response = client.post(f"/leads/{lead.id}/edit", data=_form(version="1"))
    assert response.status_code == 404
    assert db.session.get(Lead, lead.id).name == "别人的"


def test_stale_edit_answers_409_with_the_fresh_values_and_overwrites_nothing(client, login_as, make_lead):
    lead = make_lead(name="原名")
    lead.phone = "13800138000"
    db.session.commit()
    lead.notes = "同事刚写的备注"
    db.session.commit()  # version 2 now; the form below was loaded at version 1
    login_as("sales")
    response = client.post(f"/leads/{lead.id}/edit", data=_form(name="我的改动", phone="13800138000", version="1"))
    body = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "已被他人修改" in body and "同事刚写的备注" in body and 'value="原名"' in body
    assert db.session.get(Lead, lead.id).name == "原名"


def test_the_stage_cannot_be_changed_through_the_edit_form(client, login_as, make_lead):
    lead = make_lead()
    lead.phone = "13800138000"
    db.session.commit()
    login_as("sales")
    client.post(f"/leads/{lead.id}/edit", data=_form(phone="13800138000", version="1", stage="converted"))
    assert db.session.get(Lead, lead.id).stage == LeadStage.NEW


@pytest.mark.parametrize("q", ["zhangsan", "zs", "5678", "张三"])
def test_list_search_by_pinyin_initials_and_last_four_digits(client, login_as, make_lead, q):
    zhang = make_lead(name="张三")
    zhang.phone = "13912345678"
    make_lead(name="李四").phone = "13800000000"
    db.session.commit()
    login_as("sales")
    body = client.get("/leads", query_string={"q": q}).get_data(as_text=True)
    assert "张三" in body and "李四" not in body
    assert "139****5678" in body and "13912345678" not in body  # lists show the phone masked


def test_the_htmx_request_returns_the_rows_without_a_page(client, login_as, make_lead):
    make_lead(name="张三")
    login_as("sales")
    response = client.get("/leads?q=zs", headers=HTMX)
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in body
    assert 'id="lead-results"' in body and "张三" in body
    assert "HX-Request" in response.headers["Vary"]
    assert "<html" in client.get("/leads?q=zs").get_data(as_text=True)  # the pushed URL loads a whole page


def test_list_filters_by_stage_owner_and_overdue(client, login_as, make_lead):
    make_lead(name="意向客户", stage=LeadStage.INTENT)
    make_lead(name="同事的", owner="sales2", next_followup_at=utcnow().replace(year=2020))
    make_lead(name="公海客户", owner=None)
    login_as("manager")
    assert "意向客户" in client.get("/leads?stage=intent").get_data(as_text=True)
    assert "同事的" not in client.get("/leads?stage=intent").get_data(as_text=True)
    overdue = client.get("/leads?overdue=y").get_data(as_text=True)
    assert "同事的" in overdue and "意向客户" not in overdue and "lead-overdue" in overdue
    pool = client.get("/leads?owner=pool").get_data(as_text=True)
    assert "公海客户" in pool and "意向客户" not in pool


def test_bad_filter_values_are_ignored_not_errors(client, login_as, make_lead):
    make_lead(name="张三")
    login_as("manager")
    response = client.get("/leads?stage=nonsense&source=abc&owner=999999&sort=evil&page=99")
    assert response.status_code == 200


def test_sales_sees_only_their_own_leads_in_the_list(client, login_as, make_lead):
    make_lead(name="我的")
    make_lead(name="同事的", owner="sales2")
    login_as("sales")
    body = client.get("/leads").get_data(as_text=True)
    assert "我的" in body and "同事的" not in body and 'name="owner"' not in body


def test_manager_deletes_and_restores_a_lead(client, login_as, make_lead):
    lead = make_lead(name="重复录入")
    login_as("manager")
    assert client.post(f"/leads/{lead.id}/delete").status_code == 302
    assert f"lead-row-{lead.id}" not in client.get("/leads").get_data(as_text=True)
    assert client.get(f"/leads/{lead.id}/edit").status_code == 404
    assert "重复录入" in client.get("/leads/deleted").get_data(as_text=True)
    assert client.post(f"/leads/{lead.id}/restore").status_code == 302
    assert db.session.get(Lead, lead.id).deleted_at is None


def test_sales_cannot_delete_and_other_campus_managers_cannot_restore(client, login_as, make_lead):
    lead = make_lead()
    login_as("sales")
    assert client.post(f"/leads/{lead.id}/delete").status_code == 403
    lead.deleted_at = utcnow()
    db.session.commit()
    login_as.logout()
    login_as("manager_b")
    assert client.post(f"/leads/{lead.id}/restore").status_code == 404
    assert db.session.get(Lead, lead.id).deleted_at is not None


def test_deleting_a_converted_lead_is_refused_with_a_message(client, login_as, make_lead):
    lead = make_lead(stage=LeadStage.CONVERTED)
    login_as("manager")
    response = client.post(f"/leads/{lead.id}/delete")
    assert response.status_code == 422 and "不能删除" in response.get_data(as_text=True)
    assert db.session.get(Lead, lead.id).deleted_at is None


def test_restore_of_a_number_recorded_again_is_refused_with_a_message(client, login_as, make_lead):
    old = make_lead(name="旧的", deleted_at=utcnow())
    old.phone = "13800138000"
    make_lead(name="新的", owner="sales2").phone = "13800138000"
    db.session.commit()
    login_as("manager")
    response = client.post(f"/leads/{old.id}/restore")
    assert response.status_code == 422 and "Sales2" in response.get_data(as_text=True)
    assert db.session.get(Lead, old.id).deleted_at is not None
