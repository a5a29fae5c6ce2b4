"""The follow-up timeline and its quick-add form on the lead page."""
import datetime as dt

from sqlalchemy import func, select

from eduflow.extensions import db
from eduflow.leads.conversion import convert_lead
from eduflow.leads.followups import add_lead_follow_up
from eduflow.leads.pool import record_return, release
from eduflow.leads.sixspeed import update_six_speed
from eduflow.models import FollowUp, FollowUpMethod, Lead, LeadStage, utcnow

HX = {"HX-Request": "true"}
TOMORROW = (dt.datetime.now() + dt.timedelta(days=2)).strftime("%Y-%m-%dT09:30")


def _follow_ups():
    return db.session.scalar(select(func.count(FollowUp.id)))


def test_quick_add_saves_resets_the_form_and_refreshes_timeline_and_header(client, login_as, make_lead):
    lead = make_lead()
    login_as("sales")
    response = client.post(f"/leads/{lead.id}/follow-ups", headers=HX, data={
        "method": "wechat", "content": "家长想了解周末班", "feedback": "价格偏高", "next_plan": "发优惠",
        "next_followup_at": TOMORROW})
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in body and 'data-testid="followup-saved"' in body
    assert "家长想了解周末班" not in body, "the form comes back empty"
    assert set(response.headers["HX-Trigger"].replace(" ", "").split(",")) == {"timeline-changed", "lead-changed"}
    follow_up = db.session.scalar(select(FollowUp))
    assert (follow_up.method, follow_up.feedback, follow_up.next_plan) == (FollowUpMethod.WECHAT, "价格偏高", "发优惠")
    lead = db.session.get(Lead, lead.id)
    assert lead.last_followup_at == follow_up.followed_at
    assert lead.next_followup_at == dt.datetime.strptime(TOMORROW, "%Y-%m-%dT%H:%M") - dt.timedelta(hours=8)
    assert lead.stage == LeadStage.CONTACTED
    timeline = client.get(f"/leads/{lead.id}/timeline", headers=HX).get_data(as_text=True)
    kinds = [chunk.split('"')[0] for chunk in timeline.split('data-kind="')[1:]]
    assert kinds == ["stage", "follow_up"], "the follow-up and the automatic 新咨询 → 首次沟通 move, newest first"
    assert "家长想了解周末班" in timeline and "价格偏高" in timeline
    page = client.get(f"/leads/{lead.id}").get_data(as_text=True)
    assert TOMORROW.replace("T", " ") in page.split('data-testid="lead-next-followup">')[1][:40]


def test_missing_content_is_refused_with_422_and_nothing_saved(client, login_as, make_lead):
    lead = make_lead()
    login_as("sales")
    response = client.post(f"/leads/{lead.id}/follow-ups", headers=HX,
                           data={"method": "phone", "content": "  ", "feedback": "留着"})
    body = response.get_data(as_text=True)
    assert response.status_code == 422 and "请填写跟进内容" in body and "留着" in body
    assert "HX-Trigger" not in response.headers and _follow_ups() == 0
    assert db.session.get(Lead, lead.id).last_followup_at is None


def test_bad_method_or_past_or_malformed_next_time_is_refused(client, login_as, make_lead):
    lead = make_lead()
    login_as("sales")
    for data in ({"method": "pigeon", "content": "x"},
                 {"method": "phone", "content": "x", "next_followup_at": "2020-01-01T10:00"},
                 {"method": "phone", "content": "x", "next_followup_at": "tomorrow"}):
        response = client.post(f"/leads/{lead.id}/follow-ups", headers=HX, data=data)
        assert response.status_code == 422, data
    assert _follow_ups() == 0


def test_another_sales_lead_takes_no_follow_up(client, login_as, make_lead):
    lead = make_lead(owner="sales2")
    login_as("sales")
    response = client.post(f"/leads/{lead.id}/follow-ups", headers=HX, data={"method": "phone", "content": "x"})
    assert response.status_code == 404 and _follow_ups() == 0


def test_manager_may_record_a_follow_up_on_a_pool_lead(client, login_as, make_lead):
    lead = make_lead(owner=None)
    login_as("manager")
    response = client.post(f"/leads/{lead.id}/follow-ups", headers=HX, data={"method": "phone", "content": "核实号码"})
    assert response.status_code == 200 and _follow_ups() == 1
    assert db.session.get(Lead, lead.id).owner_id is None


def test_without_htmx_a_follow_up_returns_to_the_lead_page(client, login_as, make_lead):
    lead = make_lead()
    login_as("sales")
    response = client.post(f"/leads/{lead.id}/follow-ups", data={"method": "phone", "content": "电话沟通"})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/leads/{lead.id}")
    invalid = client.post(f"/leads/{lead.id}/follow-ups", data={"method": "phone", "content": ""})
    assert invalid.status_code == 422 and "<html" in invalid.get_data(as_text=True)


def test_timeline_pages_backwards_with_a_load_more_button(client, login_as, make_lead, users):
    lead = make_lead(stage=LeadStage.CONTACTED)
    start = utcnow() - dt.timedelta(days=30)
    for day in range(25):
        add_lead_follow_up(lead, by=users["sales"], method=FollowUpMethod.PHONE, content=f"第{day:02d}次",
                           followed_at=start + dt.timedelta(days=day))
    db.session.commit()
    login_as("sales")
    page = client.get(f"/leads/{lead.id}").get_data(as_text=True)
    assert page.count('data-testid="timeline-item"') == 20 and "第24次" in page and "第04次" not in page
    more = page.split('data-testid="timeline-more"')[1].split('hx-get="')[1].split('"')[0].replace("&amp;", "&")
    older = client.get(more, headers=HX)
    body = older.get_data(as_text=True)
    assert older.status_code == 200 and "<html" not in body
    assert body.count('data-testid="timeline-item"') == 5 and "第00次" in body and "第05次" not in body
    assert 'data-testid="timeline-more"' not in body, "no button once the cursor is None"


def test_a_malformed_cursor_is_not_found(client, login_as, make_lead):
    lead = make_lead()
    login_as("sales")
    assert client.get(f"/leads/{lead.id}/timeline?before=yesterday", headers=HX).status_code == 404


def test_timeline_shows_pool_events_and_conversion(client, login_as, make_lead, users):
    lead = make_lead(stage=LeadStage.INTENT)
    lead.phone = "13812345678"
    lead.contact_name = "张妈妈"
    convert_lead(lead, by=users["sales"])
    db.session.commit()
    other = make_lead(name="王五")
    release(other, by=users["sales"], reason="号码空号")
    db.session.commit()
    login_as("manager")
    converted = client.get(f"/leads/{lead.id}/timeline", headers=HX).get_data(as_text=True)
    assert 'data-testid="timeline-conversion"' in converted and "已转化为学员" in converted
    released = client.get(f"/leads/{other.id}/timeline", headers=HX).get_data(as_text=True)
    assert "释放到公海" in released and "号码空号" in released


def test_an_overdue_return_and_a_yes_no_edit_read_in_the_readers_language(client, login_as, make_lead, users):
    lead = make_lead()
    update_six_speed(lead, {"wechat_added": True}, by=users["sales"])
    record_return(lead.id, users["sales"].id, idle_days=15, at=utcnow())
    db.session.commit()
    login_as("manager")
    chinese = client.get(f"/leads/{lead.id}/timeline", headers=HX).get_data(as_text=True)
    client.post("/language", data={"locale": "en"})
    english = client.get(f"/leads/{lead.id}/timeline", headers=HX).get_data(as_text=True)
    assert "15 天未跟进" in chinese and "否</span> → 是" in chinese
    assert "No follow-up for 15 days" in english and "No</span> → Yes" in english


def test_a_concurrent_change_to_the_lead_is_refused_with_409_and_nothing_saved(client, login_as, make_lead,
                                                                              monkeypatch):
    from sqlalchemy.orm.exc import StaleDataError

    from eduflow.leads import views_detail

    def racing(lead, **values):
        add_lead_follow_up(lead, **values)
        raise StaleDataError("UPDATE statement on table 'leads' expected to update 1 row(s); 0 were matched.")

    monkeypatch.setattr(views_detail, "add_lead_follow_up", racing)
    lead = make_lead()
    login_as("sales")
    response = client.post(f"/leads/{lead.id}/follow-ups", headers=HX, data={"method": "phone", "content": "同时"})
    assert response.status_code == 409 and "刚被他人修改" in response.get_data(as_text=True)
    assert _follow_ups() == 0 and db.session.get(Lead, lead.id).stage == LeadStage.NEW
