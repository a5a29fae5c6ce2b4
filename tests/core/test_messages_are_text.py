"""Validation messages are text: a name typed with markup is shown as typed, never rendered as HTML."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from flask import render_template_string
from flask_babel import lazy_gettext as _l

from eduflow.extensions import db
from eduflow.models import Campus, ContractStatus, Course, Enrollment, SourceChannel, Tag
from tests import factories

NAMES = ["<b>x</b>", "<script>alert(1)</script>"]


def _escaped(name: str) -> str:
    return name.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def test_a_lazy_message_with_user_input_is_escaped_where_it_is_printed(app):
    with app.test_request_context():
        html = render_template_string("{{ message }}", message=_l("名称“%(name)s”已存在。", name="<b>x</b>"))
    assert html == "名称“&lt;b&gt;x&lt;/b&gt;”已存在。"


@pytest.mark.parametrize("locale, expected", [("zh_CN", "%s 天未跟进"), ("en", "No follow-up for %s days")])
def test_a_template_message_is_translated_and_its_variables_escaped(app, locale, expected):
    """`_()` in a template (bound once per render, eduflow.templating.template_gettext): the catalogue of the
    render's language, the message itself markup, its variables escaped, `%%` printed as `%`."""
    with app.test_request_context():
        from flask_babel import force_locale

        with force_locale(locale):
            html = render_template_string("{% for n in ['<b>', 3] %}{% set x = n %}{{ _('%(n)s 天未跟进', n=x) }}|"
                                          "{% endfor %}{{ _('100%%') }}")
    assert html == (expected % "&lt;b&gt;") + "|" + (expected % "3") + "|100%"


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("path, model, form", [
    ("/admin/tags/new", Tag, {"category": "need"}),
    ("/admin/sources/new", SourceChannel, {"sort_order": "0"}),
    ("/admin/courses/new", Course, {"total_lessons": "48", "price": "4800", "is_active": "y"}),
    ("/admin/campuses/new", Campus, {"is_active": "y"}),
])
def test_a_duplicate_name_typed_with_markup_is_shown_as_text(client, login_as, campuses, path, model, form, name):
    db.session.add(model(name=name))
    db.session.commit()
    login_as("admin")
    response = client.post(path, data={"name": name, **form})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert f"“{_escaped(name)}”" in html and name not in html


@pytest.mark.parametrize("number", NAMES)
def test_a_duplicate_contract_number_typed_with_markup_is_shown_as_text(client, login_as, users, campuses, number):
    course = Course(name="少儿英语", price=Decimal("3000"), total_lessons=20)
    db.session.add(course)
    first, second = (factories.make_student(campuses[0], name=name, owner=users["sales"]) for name in ("甲", "乙"))
    db.session.add(Enrollment(student_id=first.id, course_id=course.id, enrolled_on=dt.date(2026, 3, 1),
                              total_fee=Decimal("3000"), contract_no=number, contract_status=ContractStatus.SIGNED,
                              lessons_purchased=20))
    db.session.commit()
    login_as("sales")
    response = client.post(f"/enrollments/new?student_id={second.id}", data={
        "course_id": course.id, "contract_no": number, "contract_status": "signed", "total_fee": "3000",
        "lessons_purchased": "20", "gift_lessons": "0", "enrolled_on": "2026-03-01", "paid_amount": "0"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert f"{_escaped(number)} 已存在" in html and number not in html
