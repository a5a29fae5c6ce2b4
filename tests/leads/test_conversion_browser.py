"""The conversion form on a tablet: the enrolment section appears when ticked and the course fills in defaults."""

from playwright.sync_api import expect

from eduflow.extensions import db
from eduflow.models import LeadStage
from tests import factories
from tests.browser_support import screenshot, sign_in
from tests.conftest import PASSWORD


def test_ticking_enrol_shows_the_section_and_the_course_fills_price_and_lessons(page, users, campuses):
    course = factories.make_course("少儿编程", total_lessons=36, price="5400")
    lead = factories.make_lead(campuses[0], name="钱小乐", owner=users["sales"], phone="13900001234",
                               stage=LeadStage.PENDING, contact_name="钱妈妈")
    db.session.commit()
    sign_in(page, "sales", PASSWORD)
    page.goto(f"/leads/{lead.id}/convert")
    form = page.get_by_test_id("convert-form")
    expect(form.locator("[data-enrolment-fields]")).to_be_hidden()
    form.locator("input[name=enroll]").check()
    expect(form.locator("[data-enrolment-fields]")).to_be_visible()
    form.locator("select[name=course_id]").select_option(str(course.id))
    expect(form.locator("input[name=total_fee]")).to_have_value("5400.00")
    expect(form.locator("input[name=lessons_purchased]")).to_have_value("36")
    screenshot(page, "conversion-form-tablet")
