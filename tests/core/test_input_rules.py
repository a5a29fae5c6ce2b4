"""The shared input rules: ids in URLs bounded to the id columns, the base form's screen, and the one follow-up form
of the lead page and the student page."""
from __future__ import annotations

import datetime as dt
import importlib
import pkgutil
from decimal import Decimal

import pytest
from flask_wtf import FlaskForm as WtfForm
from werkzeug.datastructures import MultiDict
from wtforms import DateField, DecimalField, FloatField, IntegerField, SelectField, StringField
from wtforms.validators import InputRequired, Optional, ValidationError

import eduflow
from eduflow.extensions import db
from eduflow.forms import birth_date
from eduflow.imports.rows import Context, evaluate
from eduflow.leads.forms_records import LeadForm
from eduflow.models import FollowUp, ImportAction, ImportKind
from eduflow.security.emails import is_email
from eduflow.students.forms import StudentForm
from tests import factories
from eduflow.converters import ID_MAX, as_id
from eduflow.forms import FlaskForm

HUGE_IDS = ["0", str(ID_MAX + 1), str(2**63), str(10**30)]


@pytest.mark.parametrize("lead_id", HUGE_IDS)
def test_an_id_outside_the_column_range_is_a_plain_404(client, login_as, lead_id):
    login_as("admin")
    assert client.get(f"/leads/{lead_id}").status_code == 404
    assert client.get(f"/students/{lead_id}/enrollments/1/ledger").status_code == 404


def test_the_largest_storable_id_is_still_routed(client, login_as):
    login_as("admin")
    assert client.get(f"/leads/{ID_MAX}").status_code == 404  # routed, then simply not found
    with client.application.test_request_context():
        adapter = client.application.url_map.bind("localhost")
        assert adapter.match(f"/leads/{ID_MAX}")[1] == {"lead_id": ID_MAX}


@pytest.mark.parametrize("student_id", [*HUGE_IDS, "-1", "abc"])
def test_a_query_string_id_that_names_no_row_is_a_404_too(client, login_as, student_id):
    login_as("admin")
    assert client.get("/enrollments/new", query_string={"student_id": student_id}).status_code == 404


def test_query_string_ids_follow_the_same_bounds():
    assert as_id("42") == 42 and as_id(f" {ID_MAX} ") == ID_MAX
    for bad in ("0", "-1", str(ID_MAX + 1), str(10**30), "1e3", "٣", "", None, "4\x002"):
        assert as_id(bad) is None


class Sample(FlaskForm):
    class Meta:
        csrf = False

    name = StringField(validators=[InputRequired()])
    amount = DecimalField(places=2, validators=[Optional()])
    ratio = FloatField(validators=[Optional()])
    count = IntegerField(validators=[Optional()])
    day = DateField(validators=[Optional()])
    pick = SelectField(coerce=int, choices=[(1, "one")], validate_choice=False, validators=[Optional()])

    def validate_amount(self, field):  # a validator that would crash on NaN, as cross-field checks do
        if field.data is not None and field.data > Decimal("100"):
            raise ValidationError("too much")

    def validate_pick(self, field):
        if field.data is not None and field.data != 1:
            raise ValidationError("no such choice")


def _sample(app, **values) -> Sample:
    with app.test_request_context():
        form = Sample(MultiDict({"name": "x", **values}))
        form.validate()
        return form


@pytest.mark.parametrize("field, value, message", [
    ("name", "a\x00b", "内容包含无效字符。"),
    ("amount", "NaN", "请输入有效的数字。"),
    ("amount", "-inf", "请输入有效的数字。"),
    ("amount", "1e999", "数值超出允许范围。"),
    ("ratio", "inf", "请输入有效的数字。"),
    ("count", str(2**31), "数值超出允许范围。"),
    ("count", str(-(2**31) - 1), "数值超出允许范围。"),
    ("pick", str(10**30), "数值超出允许范围。"),
])
def test_the_base_form_refuses_what_no_column_holds(app, field, value, message):
    form = _sample(app, **{field: value})
    assert form.errors[field] == [message]
    assert form[field].data is None  # no other validator compares against NaN or a huge id


@pytest.mark.parametrize("value", ["2026-02-30", "99999-01-01", "tomorrow"])
def test_a_value_that_did_not_parse_stops_its_validators(app, value):
    assert list(_sample(app, day=value).errors) == ["day"]


def test_ordinary_and_blank_values_pass(app):
    form = _sample(app, amount="12.50", ratio="0.5", count=str(ID_MAX), day="2026-02-28", pick="1")
    assert form.errors == {} and form.amount.data == Decimal("12.50")
    assert _sample(app, amount="", count="", day="").errors == {}


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def test_every_form_of_the_app_derives_from_the_base_form():
    for module in pkgutil.walk_packages(eduflow.__path__, "eduflow."):
        importlib.import_module(module.name)
    forms = {f for f in _subclasses(WtfForm) if f.__module__.startswith("eduflow.")}
    assert len(forms) > 40
    assert sorted(f"{f.__module__}.{f.__name__}" for f in forms if not issubclass(f, FlaskForm)) == []


# ---------- one follow-up form on the lead page and the student page ----------

HX = {"HX-Request": "true"}
FOLLOW_UP_URLS = {"lead": "/leads/{}/follow-ups", "student": "/students/{}/follow-ups"}


def _post_follow_up(client, login_as, users, campuses, subject: str, **data):
    record = (factories.make_lead if subject == "lead" else factories.make_student)(campuses[0], owner=users["sales"])
    db.session.commit()
    login_as("sales")
    response = client.post(FOLLOW_UP_URLS[subject].format(record.id), headers=HX,
                           data={"method": "phone", "content": "回访", **data})
    return response, db.session.scalars(db.select(FollowUp)).all()


@pytest.mark.parametrize("subject", ["lead", "student"])
def test_a_next_follow_up_in_the_past_is_refused_on_both_pages(client, login_as, users, campuses, subject):
    response, saved = _post_follow_up(client, login_as, users, campuses, subject, next_followup_at="2020-01-01T10:00")
    assert response.status_code == 422 and "下次跟进时间必须晚于现在" in response.get_data(as_text=True)
    assert saved == []


@pytest.mark.parametrize("subject", ["lead", "student"])
def test_a_plan_of_2000_characters_is_kept_whole_on_both_pages(client, login_as, users, campuses, subject):
    response, saved = _post_follow_up(client, login_as, users, campuses, subject, next_plan="计" * 2000,
                                      next_followup_at="2099-01-02T10:00")
    assert response.status_code == 200
    assert [(f.next_plan, f.next_followup_at) for f in saved] == [("计" * 2000, dt.datetime(2099, 1, 2, 2, 0))]


@pytest.mark.parametrize("subject", ["lead", "student"])
def test_a_plan_longer_than_2000_characters_is_refused_on_both_pages(client, login_as, users, campuses, subject):
    response, saved = _post_follow_up(client, login_as, users, campuses, subject, next_plan="计" * 2001)
    assert response.status_code == 422 and saved == []


# ---------- one e-mail rule and one birth-date rule for leads, students and the importer ----------

def test_an_email_needs_a_dot_in_its_domain_no_spaces_and_at_most_254_characters():
    assert is_email("wang@example.com") and is_email(f"{'w' * 200}@example.com")
    assert not any(is_email(raw) for raw in ("wang@example", "wang @example.com", "wang", "", None,
                                             f"{'w' * 250}@example.com"))


def test_the_lead_and_the_student_form_share_the_birth_date_rule():
    assert birth_date in LeadForm.birth_date.kwargs["validators"]
    assert birth_date in StudentForm.birth_date.kwargs["validators"]


@pytest.mark.parametrize("kind", [ImportKind.LEADS, ImportKind.STUDENTS])
@pytest.mark.parametrize("email, born, accepted", [
    ("wang@example.com", "2015-03-01", True),
    (f"{'w' * 200}@example.com", "", True),  # the importer used to stop at 120 characters
    ("wang@example", "", False),  # and took anything with an @
    ("", "1850-01-01", False),  # and any birth date at all
    ("", "2099-01-01", False),
])
def test_the_importer_checks_email_and_birth_date_as_the_forms_do(campuses, kind, email, born, accepted):
    context = Context(kind, campuses[0].id, {"name": 0, "phone": 1, "email": 2, "birth_date": 3})
    outcome = evaluate(context, ["王小明", "13812345678", email, born])
    assert (outcome.action == ImportAction.CREATE) == accepted, outcome.errors
