"""A full class is offered as full and cannot be picked, wherever a student is put into a class: a new enrolment,
a conversion with enrolment and a 转班 request. A page opened before the last seat went is still refused, with the
message beside the class field. The head counts of all the classes offered come from one query."""
import html
import re

import pytest
from sqlalchemy import func, select

from eduflow.extensions import db
from eduflow.models import Enrollment, LeadStage, StatusChange
from eduflow.submissions import new_token
from tests.statements import counted

HX = {"HX-Request": "true"}


def _options(body: str, name: str) -> dict[str, tuple[str, bool]]:
    """The options of the select `name`, by value: (label, disabled)."""
    select_html = re.search(rf'<select[^>]*name="{name}"[^>]*>(.*?)</select>', body, re.S).group(1)
    return {value: (html.unescape(label).strip(), "disabled" in attributes)
            for attributes, value, label in re.findall(r'<option([^>]*?)value="([^"]*)"[^>]*>(.*?)</option>',
                                                       select_html, re.S)}


@pytest.fixture
def classes(make_class, make_student, enroll):
    """英语一班 with a free seat (1/2) and 英语满班 full (1/1)."""
    free, full = make_class("英语一班", capacity=2), make_class("英语满班", capacity=1)
    enroll(make_student("甲"), free)
    enroll(make_student("乙"), full)
    return free, full


def _enrolment(course, **fields):
    return {"course_id": course.id, "contract_no": "HT-NEW", "contract_status": "signed", "total_fee": "3000",
            "lessons_purchased": "20", "gift_lessons": "0", "enrolled_on": "2026-03-01", "paid_amount": "0",
            "payment_method": "", "submission_token": new_token()} | fields


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_the_enrolment_form_shows_a_full_class_as_full_and_disabled(client, login_as, classes, make_student):
    free, full = classes
    login_as("academic")
    options = _options(client.get(f"/enrollments/new?student_id={make_student('丙').id}").get_data(as_text=True),
                       "class_id")
    assert options[str(free.id)] == ("少儿英语 · 英语一班 · 1/2", False)
    assert options[str(full.id)] == ("少儿英语 · 英语满班 · 已满 1/1", True)
    assert options[""] == ("— 暂不分班 —", False)


def test_a_stale_page_choosing_a_full_class_is_refused_beside_the_field(client, login_as, course, classes,
                                                                        make_student):
    _free, full = classes
    login_as("academic")
    before = _count(Enrollment)
    response = client.post(f"/enrollments/new?student_id={make_student('丙').id}",
                           data=_enrolment(course, class_id=full.id))
    body = response.get_data(as_text=True)
    assert response.status_code == 422 and _count(Enrollment) == before
    field = re.search(r'<select[^>]*name="class_id".*?</select>\s*(.*?)</div>\s*</div>', body, re.S).group(1)
    assert "班级 英语满班 已满（1/1 人），请选择其他班级。" in field
    assert 'data-testid="form-error"' not in body
    # The refused choice is shown again as chosen and enabled: a disabled chosen option would post no class at
    # all, and the enrolment would silently go through without one.
    assert _options(body, "class_id")[str(full.id)] == ("少儿英语 · 英语满班 · 已满 1/1", False)


def test_a_free_seat_is_still_taken_through_the_same_form(client, login_as, course, classes, make_student):
    free, _full = classes
    student = make_student("丙")
    login_as("academic")
    response = client.post(f"/enrollments/new?student_id={student.id}", data=_enrolment(course, class_id=free.id))
    assert response.status_code == 302
    assert db.session.scalar(select(Enrollment.class_id).where(Enrollment.student_id == student.id)) == free.id


def test_the_enrolment_form_reads_every_classs_head_count_in_one_query(app, client, login_as, classes, make_class,
                                                                      make_student):
    student = make_student("丙")
    login_as("academic")
    url = f"/enrollments/new?student_id={student.id}"
    client.get(url)
    with counted() as few:
        client.get(url)
    for number in range(5):
        make_class(f"英语{number}班")
    with counted() as many:
        body = client.get(url).get_data(as_text=True)
    assert len(_options(body, "class_id")) == 8
    assert len(many) == len(few)
    assert sum("count(" in statement.lower() and "enrollments" in statement for statement in many) == 1


def test_the_conversion_form_shows_a_full_class_as_full_and_refuses_it_beside_the_field(
        client, login_as, course, classes, make_lead):
    free, full = classes
    lead = make_lead("王小明", stage=LeadStage.PENDING)
    login_as("sales")
    options = _options(client.get(f"/leads/{lead.id}/convert").get_data(as_text=True), "class_id")
    assert options[str(free.id)] == ("少儿英语 · 英语一班 · 1/2", False)
    assert options[str(full.id)] == ("少儿英语 · 英语满班 · 已满 1/1", True)
    response = client.post(f"/leads/{lead.id}/convert", data={
        "version": lead.version, "student_name": "王小明", "gender": "unknown", "enroll": "y",
        "course_id": course.id, "class_id": full.id, "contract_no": "HT-200", "total_fee": "4800",
        "lessons_purchased": "48", "submission_token": new_token()})
    body = response.get_data(as_text=True)
    assert response.status_code == 422 and "班级 英语满班 已满（1/1 人），请选择其他班级。" in body
    assert db.session.get(type(lead), lead.id).stage == LeadStage.PENDING


def test_a_transfer_offers_a_full_class_as_full_and_disabled(client, login_as, classes, make_class, make_student,
                                                            enroll):
    free, full = classes
    student = make_student("丙")
    enrollment = enroll(student, make_class("英语三班"))
    login_as("academic")
    url = f"/students/{student.id}/status-requests"
    body = client.get(f"{url}?kind=transfer&enrollment={enrollment.id}", headers=HX).get_data(as_text=True)
    options = _options(body, "target_class")
    assert options[str(free.id)] == ("英语一班 · Teacher · 1/2", False)
    assert options[str(full.id)] == ("英语满班 · Teacher · 已满 1/1", True)
    refused = client.post(url, data={"kind": "transfer", "reason": "换时间", "enrollment": str(enrollment.id),
                                     "target_class": str(full.id)})
    assert refused.status_code == 422 and "班级 英语满班 已满（1/1 人），请选择其他班级。" in refused.get_data(as_text=True)
    assert _count(StatusChange) == 0
