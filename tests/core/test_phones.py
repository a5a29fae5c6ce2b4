"""The phone rules: digits with spaces, dashes, parentheses and a leading +86, nothing stripped; and the one rule for
the people the school calls — a Chinese mobile or a landline with its area code — on leads, students, parents and
in the importer alike."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from eduflow.extensions import db
from eduflow.domain import FieldError
from eduflow.imports.rows import Context, evaluate
from eduflow.leads.records import create_lead
from eduflow.models import ImportAction, ImportKind, Lead, SourceChannel, StudentStatus
from eduflow.security.phones import is_contact_phone, parse_phone
from eduflow.students.services import add_parent, create_student

TYPED_WITH_LETTERS = ["abc13812345678", "13812345678abc", "1381234567a8", "tel:13812345678", "13812345678 ext 12",
                      "138.1234.5678"]
TYPED_WITH_SEPARATORS = ["13812345678", "138 1234 5678", "138-1234-5678", "(138) 1234-5678", "+86 138 1234 5678",
                         "+86-138-1234-5678", "  13812345678  ", "010-62345678"]


@pytest.mark.parametrize("raw", TYPED_WITH_LETTERS)
def test_a_number_typed_with_letters_or_other_marks_is_refused(raw):
    assert parse_phone(raw) is None


@pytest.mark.parametrize("raw", TYPED_WITH_SEPARATORS)
def test_spaces_dashes_parentheses_and_plus86_stay_accepted(raw):
    assert parse_phone(raw) is not None


def test_a_lead_phone_typed_with_letters_gets_the_format_message_and_nothing_is_saved(users):
    source = db.session.scalar(select(SourceChannel).where(SourceChannel.name == "官网"))
    with pytest.raises(FieldError) as refused:
        create_lead({"name": "王小明", "phone": "abc13812345678", "source_id": source.id}, by=users["sales"])
    assert refused.value.field == "phone" and "请输入正确的手机号码" in str(refused.value)
    db.session.rollback()
    assert db.session.scalar(select(func.count(Lead.id))) == 0


CONTACT_ACCEPTED = ["13812345678", "+86 138 1234 5678", "010-62345678", "(0755) 8888 6666", "021 5555 6666"]
CONTACT_REFUSED = ["+1 650 253 0000", "+44 20 7946 0958", "4008123123", "62345678", "12345", "abc", ""]


@pytest.mark.parametrize("raw", CONTACT_ACCEPTED)
def test_a_chinese_mobile_or_a_landline_with_its_area_code_is_a_contact_phone(raw):
    assert is_contact_phone(raw)


@pytest.mark.parametrize("raw", CONTACT_REFUSED)
def test_foreign_service_and_bare_landline_numbers_are_no_contact_phone(raw):
    assert not is_contact_phone(raw)


def _student(campuses, users, phone, parent_phone="13900004444"):
    return create_student(by=users["manager"], campus_id=campuses[0].id, status=StudentStatus.ACTIVE, name="李雷",
                          phone=phone, parent={"name": "李妈妈", "phone": parent_phone})


def test_a_landline_is_accepted_for_a_lead_a_student_and_a_parent_alike(campuses, users):
    lead = create_lead({"name": "王小明", "phone": "010-62345678"}, by=users["sales"])
    student = _student(campuses, users, "010-62345679", parent_phone="0755-88886666")
    add_parent(student, name="李爸爸", phone="021-55556666")
    db.session.flush()
    assert lead.phone == "01062345678" and student.phone == "01062345679"
    assert sorted(p.phone for p in student.parents) == ["02155556666", "075588886666"]


@pytest.mark.parametrize("who", ["lead", "student", "parent"])
def test_a_foreign_number_is_refused_with_the_same_message_on_every_side(campuses, users, who):
    foreign = "+1 650 253 0000"
    make = {"lead": lambda: create_lead({"name": "王小明", "phone": foreign}, by=users["sales"]),
            "student": lambda: _student(campuses, users, foreign),
            "parent": lambda: _student(campuses, users, None, parent_phone=foreign)}[who]
    with pytest.raises(FieldError) as refused:
        make()
    assert refused.value.field == "phone" and "请输入正确的手机号码，或带区号的固定电话" in str(refused.value)


@pytest.mark.parametrize("kind, cells, accepted", [
    (ImportKind.LEADS, ["王小明", "010-62345678", ""], True),
    (ImportKind.LEADS, ["王小明", "+1 650 253 0000", ""], False),
    (ImportKind.STUDENTS, ["李雷", "010-62345678", "0755-88886666"], True),
    (ImportKind.STUDENTS, ["李雷", "+1 650 253 0000", ""], False),
    (ImportKind.STUDENTS, ["李雷", "13812345678", "+1 650 253 0000"], False),
])
def test_the_importer_applies_the_same_rule_to_leads_students_and_parents(campuses, kind, cells, accepted):
    context = Context(kind, campuses[0].id, {"name": 0, "phone": 1, "parent_phone": 2})
    outcome = evaluate(context, cells)
    assert (outcome.action == ImportAction.CREATE) == accepted, outcome.errors
