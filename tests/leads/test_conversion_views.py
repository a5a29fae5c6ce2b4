"""Conversion in the browser's terms: the pre-filled form, one transaction, clear refusals, scope."""
import datetime as dt
import re
from decimal import Decimal

import pytest
from flask import url_for
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from eduflow.enrollments.ledger import balance
from eduflow.extensions import db
from eduflow.leads.conversion import convert_lead
from eduflow.models import ClassGroup, Course, Enrollment, Gender, Lead, LeadStage, Parent, Payment, Student
from eduflow.submissions import new_token
from tests import factories

COUNTED = (Student, Parent, Enrollment, Payment)


@pytest.fixture
def lead(make_lead, course):
    lead = make_lead(name="王小明", contact_name="王妈妈", contact_relation="妈妈", stage=LeadStage.PENDING,
                     gender=Gender.MALE)
    lead.phone = "13800001111"
    lead.courses = [course]
    db.session.commit()
    return lead


def counts():
    return {m.__name__: db.session.scalar(select(func.count()).select_from(m)) for m in COUNTED}


def form_data(lead, **overrides):
    data = {"version": lead.version, "student_name": "王小明", "gender": "male", "birth_date": "2016-03-01",
            "parent_name": "王妈妈", "parent_relation": "妈妈"}
    return data | overrides


def enrolment(course, **overrides):
    data = {"enroll": "y", "course_id": course.id, "contract_no": "HT-100", "total_fee": "4800.00",
            "lessons_purchased": "48", "gift_lessons": "2", "paid_amount": "3000", "payment_method": "wechat",
            "submission_token": new_token()}  # enrolling creates money and lessons: a one-time token
    return data | overrides


def url(app, endpoint, **values):
    with app.test_request_context():
        return url_for(endpoint, **values)


def test_the_form_is_filled_in_from_the_lead(client, login_as, lead, course):
    login_as("sales")
    body = client.get(f"/leads/{lead.id}/convert").get_data(as_text=True)
    assert 'value="王小明"' in body and 'value="王妈妈"' in body and 'value="妈妈"' in body
    assert re.search(rf'<option [^>]*selected value="{course.id}"', body)
    assert 'value="4800.00"' in body and 'value="48"' in body
    assert "138****1111" in body and "13800001111" not in body


def test_converting_creates_student_and_primary_parent_and_redirects_to_the_lead(app, client, login_as, lead):
    login_as("sales")
    response = client.post(f"/leads/{lead.id}/convert",
                           data=form_data(lead, student_name="王晓明", parent_name="李芳", parent_relation="母亲"))
    assert response.status_code == 302 and response.headers["Location"] == url(app, "leads.detail", lead_id=lead.id)
    lead = db.session.get(Lead, lead.id)
    student = lead.converted_student
    assert lead.stage == LeadStage.CONVERTED and student.name == "王晓明" and student.name_initials == "wxm"
    assert str(student.birth_date) == "2016-03-01" and student.gender == Gender.MALE
    [parent] = student.parents
    assert (parent.name, parent.relationship_, parent.phone, parent.is_primary) == ("李芳", "母亲", "13800001111", True)
    assert counts()["Enrollment"] == 0


def test_converting_with_a_first_enrolment_credits_the_ledger(client, login_as, lead, course):
    login_as("sales")
    response = client.post(f"/leads/{lead.id}/convert", data=form_data(lead) | enrolment(course))
    assert response.status_code == 302
    [enrollment] = db.session.scalars(select(Enrollment)).all()
    assert (enrollment.contract_no, enrollment.course_id) == ("HT-100", course.id)
    assert enrollment.total_fee == Decimal("4800.00") and enrollment.student.lead.id == lead.id
    assert balance(enrollment.id) == 50
    assert db.session.scalar(select(func.sum(Payment.amount))) == Decimal("3000.00")


def test_blank_fee_and_lessons_default_to_the_course(client, login_as, lead, course):
    login_as("sales")
    data = form_data(lead) | enrolment(course, total_fee="", lessons_purchased="", gift_lessons="0",
                                       paid_amount="0", payment_method="")
    assert client.post(f"/leads/{lead.id}/convert", data=data).status_code == 302
    enrollment = db.session.scalars(select(Enrollment)).one()
    assert (enrollment.total_fee, enrollment.lessons_purchased) == (Decimal("4800.00"), 48)


def test_a_duplicate_contract_number_changes_nothing(client, login_as, lead, course, make_lead):
    other = make_lead(name="先报名的", stage=LeadStage.INTENT)
    login_as("sales")
    assert client.post(f"/leads/{other.id}/convert",
                       data=form_data(other, student_name="先报名的") | enrolment(course)).status_code == 302
    before = counts()
    response = client.post(f"/leads/{lead.id}/convert", data=form_data(lead) | enrolment(course))
    assert response.status_code == 422 and "HT-100" in response.get_data(as_text=True)
    assert counts() == before
    assert db.session.get(Lead, lead.id).stage == LeadStage.PENDING


def test_a_full_class_refuses_and_changes_nothing(client, login_as, lead, course, campuses, users):
    full = factories.make_full_class(course, campuses[0], by=users["manager"])
    db.session.commit()
    before = counts()
    login_as("sales")
    response = client.post(f"/leads/{lead.id}/convert", data=form_data(lead) | enrolment(course, class_id=full.id))
    assert response.status_code == 422 and "已满" in response.get_data(as_text=True)
    assert counts() == before


def test_a_stale_version_is_refused_with_the_fresh_version_in_the_form(client, login_as, lead):
    stale = lead.version
    lead.notes = "同事刚改过"
    db.session.commit()
    login_as("sales")
    response = client.post(f"/leads/{lead.id}/convert", data=form_data(lead, version=stale))
    body = response.get_data(as_text=True)
    assert response.status_code == 409 and "已被他人修改" in body
    assert f'name="version" type="hidden" value="{db.session.get(Lead, lead.id).version}"' in body
    assert counts()["Student"] == 0


@pytest.mark.parametrize("error", [StaleDataError("lead row changed"), IntegrityError("insert", {}, Exception("dup"))])
def test_a_concurrent_write_at_save_time_is_a_409_and_nothing_is_kept(client, login_as, lead, monkeypatch, error):
    def convert_then_collide(*args, **kwargs):
        convert_lead(*args, **kwargs)
        raise error

    monkeypatch.setattr("eduflow.leads.views_conversion.convert_lead", convert_then_collide)
    login_as("sales")
    response = client.post(f"/leads/{lead.id}/convert", data=form_data(lead))
    assert response.status_code == 409 and 'data-testid="form-error"' in response.get_data(as_text=True)
    assert counts()["Student"] == 0 and db.session.get(Lead, lead.id).stage == LeadStage.PENDING


def test_bad_input_is_answered_with_field_errors(client, login_as, lead, course):
    login_as("sales")
    cases = [
        form_data(lead, student_name=""),
        form_data(lead, birth_date="2016-13-45"),
        form_data(lead, birth_date="2999-01-01"),
        form_data(lead, version="abc"),
        form_data(lead) | {"enroll": "y"},
        form_data(lead) | enrolment(course, course_id="999999"),
        form_data(lead) | enrolment(course, class_id="999999"),
        form_data(lead) | enrolment(course, total_fee="-1"),
        form_data(lead) | enrolment(course, paid_amount="1.234"),
    ]
    for data in cases:
        response = client.post(f"/leads/{lead.id}/convert", data=data)
        assert response.status_code == 422, data
        assert "invalid-feedback" in response.get_data(as_text=True) or "form-error" in response.get_data(as_text=True)
    assert counts() == {"Student": 0, "Parent": 0, "Enrollment": 0, "Payment": 0}


def test_ended_classes_are_not_offered(client, login_as, lead, course, campuses):
    ended = ClassGroup(name="去年的班", course_id=course.id, campus_id=campuses[0].id, end_date=dt.date(2020, 1, 1))
    db.session.add(ended)
    db.session.commit()
    login_as("sales")
    assert "去年的班" not in client.get(f"/leads/{lead.id}/convert").get_data(as_text=True)
    response = client.post(f"/leads/{lead.id}/convert", data=form_data(lead) | enrolment(course, class_id=ended.id))
    assert response.status_code == 422 and counts()["Student"] == 0


def test_a_class_of_another_course_is_refused(client, login_as, lead, course, campuses):
    other = Course(name="少儿数学", total_lessons=10, price=Decimal("1000"))
    db.session.add(other)
    db.session.flush()
    group = ClassGroup(name="数学一班", course_id=other.id, campus_id=campuses[0].id)
    db.session.add(group)
    db.session.commit()
    login_as("sales")
    response = client.post(f"/leads/{lead.id}/convert", data=form_data(lead) | enrolment(course, class_id=group.id))
    assert response.status_code == 422 and "所选班级不属于该课程" in response.get_data(as_text=True)


def test_closed_and_pool_leads_say_why_they_cannot_convert(client, login_as, make_lead):
    lost = make_lead(name="已流失", stage=LeadStage.LOST, lost_reason="太远")
    pool = make_lead(name="公海", owner=None)
    login_as("sales")
    page = client.get(f"/leads/{lost.id}/convert")
    assert page.status_code == 200 and 'data-testid="convert-blocked"' in page.get_data(as_text=True)
    assert client.post(f"/leads/{lost.id}/convert", data=form_data(lost)).status_code == 422
    login_as.logout()
    login_as("manager")
    assert "需先领取" in client.get(f"/leads/{pool.id}/convert").get_data(as_text=True)
    assert client.post(f"/leads/{pool.id}/convert", data=form_data(pool)).status_code == 422
    assert counts()["Student"] == 0


def test_someone_elses_lead_does_not_exist(client, login_as, make_lead):
    theirs = make_lead(name="同事的", owner="sales2")
    other_campus = make_lead(name="二校区", owner="sales_b", campus=1)
    login_as("sales")
    assert client.get(f"/leads/{theirs.id}/convert").status_code == 404
    assert client.post(f"/leads/{theirs.id}/convert", data=form_data(theirs)).status_code == 404
    login_as.logout()
    login_as("manager")
    assert client.get(f"/leads/{theirs.id}/convert").status_code == 200
    assert client.get(f"/leads/{other_campus.id}/convert").status_code == 404
    assert counts()["Student"] == 0


def test_the_manager_converts_a_colleagues_lead_which_stays_theirs(client, login_as, make_lead, users):
    theirs = make_lead(name="同事的", owner="sales2", stage=LeadStage.INTENT)
    login_as("manager")
    assert client.post(f"/leads/{theirs.id}/convert", data=form_data(theirs, student_name="同事的")).status_code == 302
    assert db.session.scalars(select(Student)).one().owner_id == users["sales2"].id
